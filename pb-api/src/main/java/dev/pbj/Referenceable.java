package dev.pbj;

/**
 * An object passed by reference: the peer receives a {@link RemoteReference} through which it calls the
 * methods marked {@link Remote}. Twisted's {@code pb.Referenceable}; on the wire {@code (remote N)}.
 *
 * <p>The owning broker keeps the object reachable while the peer holds a reference to it and forgets it when
 * the peer releases its last one. Remote methods run off the transport's I/O threads, one message at a time
 * per connection, unless declared {@link Remote#nonBlocking() non-blocking}.
 */
public interface Referenceable {
}
