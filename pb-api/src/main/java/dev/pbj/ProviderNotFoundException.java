package dev.pbj;

/**
 * A serializer or transport was asked for by name but no module on the classpath provides it. The message lists
 * the providers that were found (and why any refused) and names the module to add.
 */
public class ProviderNotFoundException extends PbException {
  public ProviderNotFoundException(String message) {
    super(message);
  }
}
