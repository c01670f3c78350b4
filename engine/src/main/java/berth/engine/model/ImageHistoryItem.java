package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** One row of {@code GET /images/{name}/history}, newest first. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ImageHistoryItem(String id, long created, String createdBy, List<String> tags, long size, String comment) {}
