package dev.mtasts.fetch.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor a fetcher uses when none is configured: one pool shared by every fetcher in the
 * JVM, of daemon threads named {@code mta-sts-fetch-N}, created on demand and ended after 60
 * seconds idle. A fetch blocks one thread while it connects and reads (plus one per extra
 * connection attempt), so the JDK's common pool, sized to the CPUs, would be the wrong default.
 */
public final class FetchThreads {
  private FetchThreads() {}

  /**
   * Returns the shared pool, creating it on first use.
   *
   * @return the pool
   */
  public static ExecutorService shared() {
    return Holder.POOL;
  }

  private static final class Holder {
    private static final AtomicInteger COUNT = new AtomicInteger();
    static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "mta-sts-fetch-" + COUNT.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
