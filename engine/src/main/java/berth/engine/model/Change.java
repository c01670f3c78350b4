package berth.engine.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One entry of {@code GET /containers/{id}/changes}: a path and its kind, 0 modified, 1 added, 2 deleted. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record Change(String path, int kind) {
    public static final int MODIFIED = 0;
    public static final int ADDED = 1;
    public static final int DELETED = 2;
}
