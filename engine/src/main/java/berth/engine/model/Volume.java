package berth.engine.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * A volume as the Docker API shows it ({@code GET /volumes/{name}}, the items of {@code GET /volumes}).
 * {@code UsageData} is filled only where docker fills it: {@code system df}.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record Volume(
        String createdAt,
        String driver,
        Map<String, String> labels,
        String mountpoint,
        String name,
        Map<String, String> options,
        String scope,
        @JsonInclude(JsonInclude.Include.NON_NULL) UsageData usageData) {

    /** The bytes a volume's files take and how many containers refer to it. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record UsageData(long size, long refCount) {}
}
