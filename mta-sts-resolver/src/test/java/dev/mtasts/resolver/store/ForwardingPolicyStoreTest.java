package dev.mtasts.resolver.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ForwardingPolicyStore} hands every call, the defaulted ones too, to its delegate. */
class ForwardingPolicyStoreTest {
  private static final PolicyDomain DOMAIN = PolicyDomain.of("example.com");
  private static final StoredPolicy ENTRY = new StoredPolicy(DOMAIN, "1",
      "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
      Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"));

  /** What the recording delegate was asked: the method's name and its arguments. */
  private final List<String> delegateCalls = new ArrayList<>();
  /** The stage the delegate returned last, to check that the caller gets that very stage. */
  private CompletionStage<?> lastStage = CompletableFuture.completedStage(null);

  /** A delegate that records each call and answers a fresh stage (a proxy: no default to fall on). */
  private PolicyStore recordingDelegate() {
    return (PolicyStore) Proxy.newProxyInstance(PolicyStore.class.getClassLoader(), new Class<?>[] {PolicyStore.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "toString":
              return "recording";
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            default:
              break;
          }
          delegateCalls.add(method.getName() + Arrays.toString(args == null ? new Object[0] : args));
          lastStage = new CompletableFuture<>();
          return lastStage;
        });
  }

  @Test
  @DisplayName("CAC-35, CAC-36: every PolicyStore method, the fleet lease and failure record too, reaches the delegate")
  void everyOperationIsForwardedWithItsArgumentsAndStage() {
    List<String> operations = new ArrayList<>();
    PolicyStore store = new ForwardingPolicyStore(recordingDelegate()) {
      @Override
      protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
        operations.add(operation);
        return super.forward(operation, call);
      }
    };
    Duration minute = Duration.ofMinutes(1);
    assertThat(store.load(DOMAIN)).isSameAs(lastStage);
    assertThat(store.save(ENTRY)).isSameAs(lastStage);
    assertThat(store.delete(DOMAIN)).isSameAs(lastStage);
    assertThat(store.loadAll()).isSameAs(lastStage);
    assertThat(store.acquireFetch(DOMAIN, "1", minute)).isSameAs(lastStage);
    assertThat(store.recordFetchFailure(DOMAIN, "1", minute)).isSameAs(lastStage);

    assertThat(delegateCalls).containsExactly("load[example.com]", "save[" + ENTRY + "]", "delete[example.com]",
        "loadAll[]", "acquireFetch[example.com, 1, PT1M]", "recordFetchFailure[example.com, 1, PT1M]");
    assertThat(operations).containsExactly("load", "save", "delete", "loadAll", "acquireFetch", "recordFetchFailure");
    // The calls above are every instance method of the interface: a method added to PolicyStore
    // later fails here until it is forwarded (and called above).
    List<String> interfaceMethods = Arrays.stream(PolicyStore.class.getMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers())).map(Method::getName).toList();
    assertThat(interfaceMethods).containsExactlyInAnyOrderElementsOf(operations);
    for (Method m : PolicyStore.class.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers())) {
        assertThat(declaredBy(m)).as(m.getName()).isEqualTo(ForwardingPolicyStore.class);
      }
    }
  }

  private static Class<?> declaredBy(Method m) {
    try {
      return ForwardingPolicyStore.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass();
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("CAC-35: overriding forward changes every operation at once, the defaulted lease too")
  void overridingForwardActsOnEveryOperation() {
    PolicyStore down = new ForwardingPolicyStore(recordingDelegate()) {
      @Override
      protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
        return CompletableFuture.failedStage(new IllegalStateException(operation + " refused"));
      }
    };
    assertThat(down.load(DOMAIN).toCompletableFuture()).isCompletedExceptionally();
    assertThat(down.acquireFetch(DOMAIN, "1", Duration.ofMinutes(1)).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(delegateCalls).isEmpty();
    assertThat(down).hasToString("ForwardingPolicyStore[recording]");
  }
}
