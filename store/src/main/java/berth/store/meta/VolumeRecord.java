package berth.store.meta;

import java.time.Instant;

/**
 * A volume row: its name, its driver, when it was made, and the engine's own JSON document about it (labels,
 * driver options), which this store keeps without reading.
 */
public record VolumeRecord(String name, String driver, Instant created, byte[] doc) {}
