package dev.pbj;

/**
 * A class that receives copies (Twisted's {@code pb.RemoteCopy}): registered for a type name, it is built with its
 * no-argument constructor and then handed the state. Records need not implement it: a registered record is built
 * from a state dictionary by component name.
 */
public interface RemoteCopy {

  /** Takes the received state (usually a map with text keys). */
  void setCopyableState(Object state);
}
