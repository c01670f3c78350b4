package berth.cli.command;

import berth.cli.DaemonException;
import berth.cli.EngineClient;
import berth.cli.format.HumanUnits;
import berth.cli.format.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code system df} and {@code system prune}: the space Berth's objects hold, and freeing it. */
public final class DiskCommands {
    private DiskCommands() {}

    public static final class Df extends BerthCommand {
        private static final String DEFAULT_TABLE = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
        private static final Map<String, String> HEADERS = Map.of("Type", "TYPE", "TotalCount", "TOTAL",
                "Active", "ACTIVE", "Size", "SIZE", "Reclaimable", "RECLAIMABLE");

        @Override public String synopsis() { return "berth system df [OPTIONS]"; }
        @Override public String description() { return "Show docker disk usage"; }
        @Override public void define(FlagSet f) {
            f.bool("v", "verbose", "Show detailed information on space usage", v -> verbose = v);
            f.string(null, "format", "Format output using a custom template", v -> format = v);
        }
        boolean verbose;
        String format;

        @Override
        public Integer call() {
            Object df = engine().get("/system/df", null);
            if (verbose) {
                cli.out.print(verbose(df));
                return 0;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            List<?> images = list(df, "Images");
            long layers = Json.num(df, "LayersSize");
            long usedByContainers = 0;
            int activeImages = 0;
            for (Object image : images) {
                if (Json.num(image, "Containers") > 0) {
                    activeImages++;
                    usedByContainers += Json.num(image, "Size") - Json.num(image, "SharedSize");
                }
            }
            rows.add(row("Images", images.size(), activeImages, layers, withPercent(layers - usedByContainers, layers)));
            List<?> containers = list(df, "Containers");
            long rw = 0;
            long rwStopped = 0;
            int running = 0;
            for (Object c : containers) {
                rw += Json.num(c, "SizeRw");
                if (Json.str(c, "State").equals("running")) {
                    running++;
                } else {
                    rwStopped += Json.num(c, "SizeRw");
                }
            }
            rows.add(row("Containers", containers.size(), running, rw, withPercent(rwStopped, rw)));
            List<?> volumes = list(df, "Volumes");
            long volumeSize = 0;
            long unusedVolumes = 0;
            int activeVolumes = 0;
            for (Object v : volumes) {
                long size = Math.max(0, Json.num(v, "UsageData", "Size"));
                volumeSize += size;
                if (Json.num(v, "UsageData", "RefCount") > 0) {
                    activeVolumes++;
                } else {
                    unusedVolumes += size;
                }
            }
            rows.add(row("Local Volumes", volumes.size(), activeVolumes, volumeSize, withPercent(unusedVolumes, volumeSize)));
            List<?> cache = list(df, "BuildCache");
            long cacheSize = 0;
            for (Object b : cache) {
                cacheSize += Json.num(b, "Size");
            }
            rows.add(row("Build Cache", cache.size(), 0, cacheSize, HumanUnits.humanSize(cacheSize)));
            cli.out.print(Formatting.render(format, DEFAULT_TABLE, HEADERS, rows));
            return 0;
        }

        private static Map<String, Object> row(String type, int total, int active, long size, String reclaimable) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Type", type);
            row.put("TotalCount", Integer.toString(total));
            row.put("Active", Integer.toString(active));
            row.put("Size", HumanUnits.humanSize(size));
            row.put("Reclaimable", reclaimable);
            return row;
        }

        /** docker's "1.2MB (50%)": the percentage in whole numbers, left out when nothing is held. */
        private static String withPercent(long reclaimable, long total) {
            return total > 0 ? HumanUnits.humanSize(reclaimable) + " (" + reclaimable * 100 / total + "%)"
                    : HumanUnits.humanSize(reclaimable);
        }

        private String verbose(Object df) {
            long now = System.currentTimeMillis();
            StringBuilder sb = new StringBuilder("Images space usage:\n\n");
            StringBuilder table = new StringBuilder("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\tUNIQUE SIZE\tCONTAINERS\n");
            for (Object image : list(df, "Images")) {
                List<?> tags = Json.at(image, "RepoTags") instanceof List<?> l && !l.isEmpty() ? l : List.of("<none>:<none>");
                for (Object tag : tags) {
                    String t = tag.toString();
                    int colon = t.lastIndexOf(':');
                    long size = Json.num(image, "Size");
                    long shared = Json.num(image, "SharedSize");
                    table.append(t, 0, colon).append('\t').append(t.substring(colon + 1)).append('\t')
                            .append(Formatting.shortId(Json.str(image, "Id"))).append('\t')
                            .append(HumanUnits.ago(Json.num(image, "Created"), now)).append('\t')
                            .append(HumanUnits.humanSize(size)).append('\t').append(HumanUnits.humanSize(shared)).append('\t')
                            .append(HumanUnits.humanSize(size - shared)).append('\t')
                            .append(Json.num(image, "Containers")).append('\n');
                }
            }
            sb.append(berth.cli.format.TableWriter.align(table.toString()));
            sb.append("\nContainers space usage:\n\n");
            table = new StringBuilder("CONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES\n");
            for (Object c : list(df, "Containers")) {
                List<?> names = Json.at(c, "Names") instanceof List<?> l ? l : List.of();
                table.append(Formatting.shortId(Json.str(c, "Id"))).append('\t').append(Json.str(c, "Image")).append('\t')
                        .append(Formatting.quote(Formatting.ellipsis(Json.str(c, "Command"), 20))).append('\t')
                        .append(list(c, "Mounts").size()).append('\t')
                        .append(HumanUnits.humanSize(Json.num(c, "SizeRw"))).append('\t')
                        .append(HumanUnits.ago(Json.num(c, "Created"), now)).append('\t')
                        .append(Json.str(c, "Status")).append('\t')
                        .append(names.isEmpty() ? "" : names.getFirst().toString().replaceFirst("^/", "")).append('\n');
            }
            sb.append(berth.cli.format.TableWriter.align(table.toString()));
            sb.append("\nLocal Volumes space usage:\n\n");
            table = new StringBuilder("VOLUME NAME\tLINKS\tSIZE\n");
            for (Object v : list(df, "Volumes")) {
                table.append(Json.str(v, "Name")).append('\t').append(Json.num(v, "UsageData", "RefCount")).append('\t')
                        .append(HumanUnits.humanSize(Math.max(0, Json.num(v, "UsageData", "Size")))).append('\n');
            }
            sb.append(berth.cli.format.TableWriter.align(table.toString()));
            long cacheSize = 0;
            for (Object b : list(df, "BuildCache")) {
                cacheSize += Json.num(b, "Size");
            }
            sb.append("\nBuild cache usage: ").append(HumanUnits.humanSize(cacheSize)).append("\n\n");
            sb.append(berth.cli.format.TableWriter.align("CACHE ID\tCACHE TYPE\tSIZE\tCREATED\tLAST USED\tUSAGE\tSHARED\n"));
            return sb.toString();
        }

        private static List<?> list(Object tree, String key) {
            return Json.at(tree, key) instanceof List<?> l ? l : List.of();
        }
    }

    /**
     * {@code system prune}: as the docker CLI, one prune call per kind of object: containers, then networks,
     * volumes (with {@code --volumes}) and images. A daemon without networks or volumes answers their prune
     * with "page not found", which means nothing of that kind exists to prune.
     */
    public static final class Prune extends BerthCommand {
        @Override public String synopsis() { return "berth system prune [OPTIONS]"; }
        @Override public String description() { return "Remove unused data"; }
        @Override public void define(FlagSet f) {
            f.bool("a", "all", "Remove all unused images not just dangling ones", v -> all = v);
            f.bool("f", "force", "Do not prompt for confirmation", v -> force = v);
            f.bool(null, "volumes", "Prune anonymous volumes", v -> volumes = v);
            f.list(null, "filter", "Provide filter values (e.g. \"label=<key>=<value>\")", filters);
        }
        boolean all;
        boolean force;
        boolean volumes;
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() {
            StringBuilder warning = new StringBuilder("WARNING! This will remove:\n  - all stopped containers\n"
                    + "  - all networks not used by at least one container\n");
            if (volumes) {
                warning.append("  - all anonymous volumes not used by at least one container\n");
            }
            warning.append(all ? "  - all images without at least one container associated to them\n"
                    : "  - all dangling images\n");
            warning.append("  - unused build cache\n");
            if (!force && !ContainerCommands.confirm(this, warning.toString())) {
                return 0;
            }
            String filterJson = ContainerCommands.filtersJson(filters);
            long reclaimed = 0;
            Object containers = engine().post("/containers/prune", EngineClient.query().add("filters", filterJson), null);
            reclaimed += Json.num(containers, "SpaceReclaimed");
            printList("Deleted Containers:", Json.at(containers, "ContainersDeleted"));
            Object networks = pruneIfSupported("/networks/prune", filterJson);
            printList("Deleted Networks:", Json.at(networks, "NetworksDeleted"));
            if (volumes) {
                Object pruned = pruneIfSupported("/volumes/prune", filterJson);
                reclaimed += Json.num(pruned, "SpaceReclaimed");
                printList("Deleted Volumes:", Json.at(pruned, "VolumesDeleted"));
            }
            List<String> imageFilters = new ArrayList<>(filters);
            imageFilters.add("dangling=" + (all ? "false" : "true"));
            Object images = engine().post("/images/prune",
                    EngineClient.query().add("filters", ContainerCommands.filtersJson(imageFilters)), null);
            reclaimed += Json.num(images, "SpaceReclaimed");
            if (Json.at(images, "ImagesDeleted") instanceof List<?> l && !l.isEmpty()) {
                cli.out.println("Deleted Images:");
                ImageCommands.printDeleted(cli, l, "untagged: ", "deleted: ");
                cli.out.println();
            }
            cli.out.println("Total reclaimed space: " + HumanUnits.humanSize(reclaimed));
            return 0;
        }

        private Object pruneIfSupported(String path, String filterJson) {
            try {
                return engine().post(path, EngineClient.query().add("filters", filterJson), null);
            } catch (DaemonException e) {
                if (e.status() == 404 && e.getMessage().equals("page not found")) {
                    return null;
                }
                throw e;
            }
        }

        private void printList(String title, Object items) {
            if (items instanceof List<?> l && !l.isEmpty()) {
                cli.out.println(title);
                l.forEach(cli.out::println);
                cli.out.println();
            }
        }
    }
}
