package dev.pbj.cred;

/**
 * What a peer presented to log in: {@link ChallengeResponse} (a username and Twisted's MD5 challenge–response)
 * or {@link Anonymous}.
 */
public sealed interface Credentials permits ChallengeResponse, Anonymous {
}
