package dev.pbj.cred;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Users and passwords held in memory (Twisted's {@code InMemoryUsernamePasswordDatabaseDontUse}); keeps only the
 * MD5 of each password, which is all PB's challenge–response needs. An unknown user is checked against a dummy
 * digest so both failures take the same time. Immutable.
 */
public final class InMemoryPasswordChecker implements CredentialsChecker {
  private static final byte[] NOBODY = ChallengeResponse.md5(new byte[] {0});
  private final Map<String, byte[]> digests;

  private InMemoryPasswordChecker(Map<String, byte[]> digests) {
    this.digests = Map.copyOf(digests);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean handles(Credentials credentials) {
    return credentials instanceof ChallengeResponse;
  }

  @Override
  public CompletionStage<String> requestAvatarId(Credentials credentials) {
    ChallengeResponse response = (ChallengeResponse) credentials;
    byte[] digest = digests.get(response.username());
    boolean ok = response.checkMd5Password(digest != null ? digest : NOBODY) && digest != null;
    return ok ? CompletableFuture.completedFuture(response.username())
        : CompletableFuture.failedFuture(new UnauthorizedLoginException());
  }

  /** Adds users. */
  public static final class Builder {
    private final Map<String, byte[]> digests = new HashMap<>();

    private Builder() {}

    public Builder user(String username, String password) {
      digests.put(username, ChallengeResponse.md5(password.getBytes(StandardCharsets.UTF_8)));
      return this;
    }

    public InMemoryPasswordChecker build() {
      return new InMemoryPasswordChecker(digests);
    }
  }
}
