package berth.store.meta;

/** A network row: its 64-hex id, its unique name and the engine's JSON document about it. */
public record NetworkRecord(String id, String name, byte[] doc) {}
