package dev.pbj.core.internal.dispatch;

/** A target that serves its own remote methods and passes any other name on to another object. */
public interface Delegating {
  /** The object that serves what this one does not, or null. */
  Object delegate();
}
