package dev.mtasts.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressResolverTest {

  @Test
  @DisplayName("FET-19: the default resolver blocks only on the executor it is given")
  void theSystemResolverRunsOnTheGivenExecutor() throws Exception {
    List<Runnable> tasks = new ArrayList<>();
    CompletableFuture<List<InetAddress>> localhost = AddressResolver.system(tasks::add).resolve("localhost")
        .toCompletableFuture();
    assertThat(localhost).isNotDone();
    assertThat(tasks).hasSize(1);

    tasks.get(0).run();
    assertThat(localhost.get(5, TimeUnit.SECONDS)).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
    assertThatNullPointerException().isThrownBy(() -> AddressResolver.system(null));
  }
}
