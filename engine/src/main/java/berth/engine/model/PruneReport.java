package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** What a prune removed ({@code ContainersDeleted} or {@code ImagesDeleted}) and the bytes it freed. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record PruneReport(
        List<String> containersDeleted,
        List<ImageDeleteItem> imagesDeleted,
        long spaceReclaimed) {}
