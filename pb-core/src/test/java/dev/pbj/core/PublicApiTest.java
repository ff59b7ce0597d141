package dev.pbj.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What users can name stays small: no public signature of {@code dev.pbj.core} leaks an internal type. */
class PublicApiTest {
  private static final List<Class<?>> PUBLIC = List.of(PbServer.class, PbServer.Builder.class, PbClient.class,
      PbClient.Builder.class, ProviderRegistry.class, ProviderRegistry.Builder.class, CopyRegistry.class,
      CopyRegistry.Builder.class, KeptConnection.class);

  @Test
  void publicSignaturesMentionNoInternalType() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : PUBLIC) {
      List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
      members.addAll(List.of(type.getDeclaredConstructors()));
      for (Executable member : members) {
        if (!Modifier.isPublic(member.getModifiers())) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(member.getGenericParameterTypes()));
        if (member instanceof Method) {
          types.add(((Method) member).getGenericReturnType());
        }
        for (Type t : types) {
          if (t.getTypeName().contains(".internal.")) {
            leaks.add(member.toString());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void publicTypesAreTheCountedOnes() {
    assertThat(PUBLIC).allSatisfy(type -> assertThat(Modifier.isPublic(type.getModifiers())).isTrue());
    for (Class<?> type : PUBLIC) {
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        assertThat(Modifier.isPublic(c.getModifiers())).as("%s has no public constructor", type).isFalse();
      }
    }
  }
}
