package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** One row of {@code GET /images/json}. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ImageSummary(
        String id,
        String parentId,
        List<String> repoTags,
        List<String> repoDigests,
        long created,
        long size,
        long sharedSize,
        Map<String, String> labels,
        int containers) {}
