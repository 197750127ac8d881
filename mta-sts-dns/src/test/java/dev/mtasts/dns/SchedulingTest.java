package dev.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.dns.internal.Scheduling;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SchedulingTest {

  @Test
  void firedTimerOnlyHandsTheTaskToTheExecutor() {
    ManualScheduler scheduler = new ManualScheduler();
    Queue<Runnable> handedOver = new ArrayDeque<>();
    AtomicInteger ran = new AtomicInteger();
    Scheduling scheduling = new Scheduling(handedOver::add, scheduler);

    scheduling.schedule(Duration.ofSeconds(5), ran::incrementAndGet);
    scheduler.fire(Duration.ofSeconds(5));

    assertThat(ran).hasValue(0);
    assertThat(handedOver).hasSize(1);
    handedOver.remove().run();
    assertThat(ran).hasValue(1);
  }

  @Test
  void cancelledTaskNeverRuns() {
    ManualScheduler scheduler = new ManualScheduler();
    Queue<Runnable> handedOver = new ArrayDeque<>();
    AtomicInteger ran = new AtomicInteger();
    Scheduling scheduling = new Scheduling(handedOver::add, scheduler);

    Runnable cancel = scheduling.schedule(Duration.ofSeconds(5), ran::incrementAndGet);
    // The timer already handed the task over when the work it guards completes: still no run.
    scheduler.fire(Duration.ofSeconds(5));
    cancel.run();
    handedOver.forEach(Runnable::run);

    assertThat(ran).hasValue(0);
  }

  @Test
  void taskRunsOnlyOnceEvenIfHandedOverTwice() {
    ManualScheduler scheduler = new ManualScheduler();
    Queue<Runnable> handedOver = new ArrayDeque<>();
    AtomicInteger ran = new AtomicInteger();
    Scheduling scheduling = new Scheduling(handedOver::add, scheduler);

    scheduling.schedule(Duration.ofSeconds(1), ran::incrementAndGet);
    scheduler.fire(Duration.ofSeconds(1));
    Runnable task = handedOver.remove();
    task.run();
    task.run();

    assertThat(ran).hasValue(1);
  }

  @Test
  void rejectedTaskRunsOnTheCallingThreadSoThatLookupsStillComplete() {
    Executor rejecting = r -> {
      throw new RejectedExecutionException("shut down");
    };
    AtomicInteger ran = new AtomicInteger();

    new Scheduling(rejecting, null).execute(ran::incrementAndGet);

    assertThat(ran).hasValue(1);
  }
}
