/**
 * The client's half of Twisted's login (twisted.cred through PB): `root.login(username)` answers a challenge
 * and a challenger, whose `respond(md5(md5(password) + challenge), mind)` answers the avatar. The password never
 * leaves this side.
 */
import { ProtocolError } from './errors.js';
import { RemoteReference } from './flavors.js';
import { challengeResponse } from './md5.js';

const utf8 = new TextEncoder();

function avatarOf(answer) {
  if (!(answer instanceof RemoteReference)) {
    throw new ProtocolError(`login: expected the avatar (a reference), got ${answer}`);
  }
  return answer;
}

/**
 * Logs in as `username` through `root` (the server's portal root); resolves to the avatar. `callOptions` (`timeout`,
 * `signal`; default none) go to each of the login's calls.
 */
export async function login(root, username, password, mind = null, callOptions = {}) {
  // Twisted's checkers compare byte strings: the user name travels as bytes, never as text
  const answer = await root.callRemoteWith(callOptions, 'login', utf8.encode(username));
  if (!Array.isArray(answer) || answer.length !== 2 || !(answer[0] instanceof Uint8Array)
    || !(answer[1] instanceof RemoteReference)) {
    throw new ProtocolError('login: expected (challenge, challenger)');
  }
  const [challenge, challenger] = answer;
  try {
    return avatarOf(await challenger.callRemoteWith(callOptions, 'respond', challengeResponse(password, challenge),
      mind));
  } finally {
    challenger.release();
  }
}

/** Logs in anonymously through `root`; resolves to the avatar. `callOptions` as for {@link login}. */
export async function loginAnonymous(root, mind = null, callOptions = {}) {
  return avatarOf(await root.callRemoteWith(callOptions, 'loginAnonymous', mind));
}
