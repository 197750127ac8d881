/**
 * The mta-sts dns module: a skeleton until its own issue lands.
 */
module dev.mtasts.dns {
  requires dev.mtasts.core;
}
