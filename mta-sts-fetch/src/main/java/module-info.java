/**
 * The mta-sts fetch module: a skeleton until its own issue lands.
 */
module dev.mtasts.fetch {
  requires dev.mtasts.core;
}
