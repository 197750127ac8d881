/**
 * An SMTP STARTTLS probe for the owner's checker ({@code dev.mtasts.owner.SmtpProbe}).
 */
module dev.mtasts.probe {
  requires static org.jspecify;
  requires transitive dev.mtasts.owner;
  requires org.slf4j;

  exports dev.mtasts.probe;
}
