package dev.pbj;

/**
 * An object shared among logged-in peers whose methods learn who calls (Twisted's {@code pb.Viewable}). Sent on
 * behalf of an avatar, it travels as a reference bound to that avatar (a view point); its {@link Remote} methods
 * receive that avatar as their first parameter, declared {@link Avatar} or a subtype:
 *
 * <pre>{@code
 * @Remote public String post(Avatar user, String text) { ... }
 * }</pre>
 *
 * The same Viewable sent through two avatars gives each peer its own reference, and each call sees its own
 * avatar. Sent with no avatar (not logged in), the first parameter is null.
 */
public interface Viewable {
}
