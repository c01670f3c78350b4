package berth.cli.command;

/**
 * The verbs by name, top-level and under the {@code container}, {@code image}, {@code volume},
 * {@code system} and {@code registry} groups. A switch, not a table of instances, so only the chosen verb's class
 * is loaded.
 */
public final class Commands {
    private Commands() {}

    public static boolean isGroup(String verb) {
        return verb.equals("container") || verb.equals("image") || verb.equals("system") || verb.equals("volume")
                || verb.equals("registry") || verb.equals("network");
    }

    /** The command for {@code group verb}, or for a top-level {@code verb} when group is null; null when unknown. */
    public static BerthCommand lookup(String group, String verb) {
        if (group == null) {
            return switch (verb) {
                case "images" -> new ImageCommands.Images();
                case "rmi" -> new ImageCommands.Rmi();
                case "history" -> new ImageCommands.History();
                case "tag" -> new ImageCommands.Tag();
                case "import" -> new ImageCommands.Import();
                case "save" -> new ImageCommands.Save();
                case "load" -> new ImageCommands.Load();
                case "pull" -> new RegistryCommands.Pull();
                case "push" -> new RegistryCommands.Push();
                case "login" -> new RegistryCommands.Login();
                case "logout" -> new RegistryCommands.Logout();
                case "search" -> new RegistryCommands.Search();
                case "version" -> new SystemCommands.Version();
                case "info" -> new SystemCommands.Info();
                case "events" -> new SystemCommands.Events();
                case "inspect" -> new ContainerCommands.Inspect();
                case "ps" -> new ContainerCommands.Ps();
                default -> container(verb);
            };
        }
        return switch (group) {
            case "container" -> switch (verb) {
                case "ls", "list", "ps" -> new ContainerCommands.Ps();
                case "inspect" -> new ContainerCommands.Inspect(ContainerCommands.Inspect.CONTAINER);
                case "prune" -> new ContainerCommands.Prune();
                case "remove" -> new ContainerCommands.Rm();
                default -> container(verb);
            };
            case "image" -> switch (verb) {
                case "ls", "list" -> new ImageCommands.Images();
                case "rm", "remove" -> new ImageCommands.Rmi();
                case "history" -> new ImageCommands.History();
                case "tag" -> new ImageCommands.Tag();
                case "import" -> new ImageCommands.Import();
                case "save" -> new ImageCommands.Save();
                case "load" -> new ImageCommands.Load();
                case "pull" -> new RegistryCommands.Pull();
                case "push" -> new RegistryCommands.Push();
                case "prune" -> new ImageCommands.Prune();
                case "inspect" -> new ContainerCommands.Inspect(ContainerCommands.Inspect.IMAGE);
                default -> null;
            };
            case "volume" -> switch (verb) {
                case "create" -> new VolumeCommands.Create();
                case "ls", "list" -> new VolumeCommands.Ls();
                case "inspect" -> new ContainerCommands.Inspect(ContainerCommands.Inspect.VOLUME);
                case "rm", "remove" -> new VolumeCommands.Rm();
                case "prune" -> new VolumeCommands.Prune();
                default -> null;
            };
            case "network" -> NetworkCommands.lookup(verb);
            case "system" -> switch (verb) {
                case "info" -> new SystemCommands.Info();
                case "events" -> new SystemCommands.Events();
                case "df" -> new DiskCommands.Df();
                case "prune" -> new DiskCommands.Prune();
                default -> null;
            };
            case "registry" -> RegistryServerCommands.lookup(verb);
            default -> null;
        };
    }

    private static BerthCommand container(String verb) {
        return switch (verb) {
            case "run" -> new RunCommand(true);
            case "create" -> new RunCommand(false);
            case "start" -> new ContainerCommands.Start();
            case "stop" -> new ContainerCommands.Stop();
            case "kill" -> new ContainerCommands.Kill();
            case "restart" -> new ContainerCommands.Restart();
            case "pause" -> new ContainerCommands.Pause();
            case "unpause" -> new ContainerCommands.Unpause();
            case "rm" -> new ContainerCommands.Rm();
            case "logs" -> new ContainerCommands.Logs();
            case "wait" -> new ContainerCommands.Wait();
            case "attach" -> new ContainerCommands.Attach();
            case "exec" -> new ContainerCommands.Exec();
            case "top" -> new ContainerCommands.Top();
            case "rename" -> new ContainerCommands.Rename();
            case "cp" -> new CopyCommand();
            case "export" -> new FileCommands.Export();
            case "diff" -> new FileCommands.Diff();
            case "commit" -> new FileCommands.Commit();
            case "stats" -> new FileCommands.Stats();
            case "port" -> new PortCommand();
            default -> null;
        };
    }

    public static String topUsage() {
        return """

                Usage:  berth [OPTIONS] COMMAND

                A container engine for Linux (a client of berthd's Docker Engine API)

                Common Commands:
                  run         Create and run a new container from an image
                  exec        Execute a command in a running container
                  ps          List containers
                  images      List images
                  version     Show the Berth version information
                  info        Display system-wide information

                Management Commands:
                  container   Manage containers
                  image       Manage images
                  network     Manage networks
                  system      Manage Berth
                  volume      Manage volumes
                  registry    Run Berth's image registry server

                Commands:
                  attach      Attach local standard input, output, and error streams to a running container
                  commit      Create a new image from a container's changes
                  cp          Copy files/folders between a container and the local filesystem
                  create      Create a new container
                  diff        Inspect changes to files or directories on a container's filesystem
                  events      Get real time events from the server
                  export      Export a container's filesystem as a tar archive
                  history     Show the history of an image
                  import      Import the contents from a tarball to create a filesystem image
                  inspect     Return low-level information on Berth objects
                  kill        Kill one or more running containers
                  load        Load an image from a tar archive or STDIN
                  login       Authenticate to a registry
                  logout      Log out from a registry
                  logs        Fetch the logs of a container
                  pause       Pause all processes within one or more containers
                  pull        Download an image from a registry
                  push        Upload an image to a registry
                  port        List port mappings or a specific mapping for the container
                  rename      Rename a container
                  restart     Restart one or more containers
                  rm          Remove one or more containers
                  rmi         Remove one or more images
                  save        Save one or more images to a tar archive (streamed to STDOUT by default)
                  search      Search a registry for images
                  start       Start one or more stopped containers
                  stats       Display a live stream of container(s) resource usage statistics
                  stop        Stop one or more running containers
                  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
                  top         Display the running processes of a container
                  unpause     Unpause all processes within one or more containers
                  wait        Block until one or more containers stop, then print their exit codes

                Global Options:
                  -H, --host string    Daemon socket to connect to (env BERTH_HOST, default unix:///run/berth/berth.sock)
                  -v, --version        Print version information and quit

                Run 'berth COMMAND --help' for more information on a command.
                """;
    }

    public static String groupUsage(String group) {
        return switch (group) {
            case "container" -> """

                    Usage:  berth container COMMAND

                    Manage containers

                    Commands:
                      attach, commit, cp, create, diff, exec, export, inspect, kill, logs, ls, pause,
                      port, prune, rename, restart, rm, run, start, stats, stop, top, unpause, wait

                    Run 'berth container COMMAND --help' for more information on a command.
                    """;
            case "image" -> """

                    Usage:  berth image COMMAND

                    Manage images

                    Commands:
                      history, import, inspect, load, ls, prune, pull, push, rm, save, tag

                    Run 'berth image COMMAND --help' for more information on a command.
                    """;
            case "volume" -> """

                    Usage:  berth volume COMMAND

                    Manage volumes

                    Commands:
                      create, inspect, ls, prune, rm

                    Run 'berth volume COMMAND --help' for more information on a command.
                    """;
            case "registry" -> RegistryServerCommands.USAGE;
            case "network" -> """

                    Usage:  berth network COMMAND

                    Manage networks

                    Commands:
                      connect, create, disconnect, inspect, ls, prune, rm

                    Run 'berth network COMMAND --help' for more information on a command.
                    """;
            default -> """

                    Usage:  berth system COMMAND

                    Manage Berth

                    Commands:
                      df, events, info, prune

                    Run 'berth system COMMAND --help' for more information on a command.
                    """;
        };
    }
}
