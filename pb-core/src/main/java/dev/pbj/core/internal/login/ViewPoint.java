package dev.pbj.core.internal.login;

import dev.pbj.Avatar;
import dev.pbj.Viewable;

/**
 * A {@link Viewable} as exported on behalf of one avatar (Twisted's {@code ViewPoint}): calls through it run the
 * viewable's methods with that avatar first. Two view points are the same export when both parts are the same
 * objects.
 */
public final class ViewPoint {
  public final Viewable viewable;
  public final Avatar perspective;

  public ViewPoint(Viewable viewable, Avatar perspective) {
    this.viewable = viewable;
    this.perspective = perspective;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViewPoint && ((ViewPoint) o).viewable == viewable && ((ViewPoint) o).perspective == perspective;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(viewable) * 31 + System.identityHashCode(perspective);
  }

  @Override
  public String toString() {
    return "ViewPoint(" + viewable + " for " + perspective + ")";
  }
}
