package dev.bollard.controller.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A listener of the process could not bind: the message names the listener and its address, and
 * {@link #flag()} is the flag that moves it.
 */
public final class ListenerUnavailableException extends UncheckedIOException {

  private static final long serialVersionUID = 1L;

  private final String flag;

  ListenerUnavailableException(String message, String flag, IOException cause) {
    super(message, cause);
    this.flag = flag;
  }

  /** The flag that sets the listener's address, e.g. {@code --https-listen}. */
  public String flag() {
    return flag;
  }
}
