package berth.store.meta;

/** A container's attachment to a network, with the engine's JSON document (aliases, asked-for address). */
public record EndpointRecord(String containerId, String networkId, byte[] doc) {}
