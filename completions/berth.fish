# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_berth_global_optspecs
    string join \n root= runroot= volumepath= storage-driver= storage-opt= log-level= D/debug noout runtime= runtime-flag= events-backend= cgroup-manager= registries-conf= default-mounts-file= conmon= hooks-dir= network-cmd-path= network-config-dir= namespace= tmpdir= syslog url= c/connection= r/remote identity= ssh= h/help V/version
end

function __fish_berth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_berth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_berth_using_subcommand
    set -l cmd (__fish_berth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c berth -n "__fish_berth_needs_command" -l root -d 'The store: images, layers, containers and volumes (default $XDG_DATA_HOME/berth)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l runroot -d 'The runtime directory: state that dies at reboot (default $XDG_RUNTIME_DIR/berth)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l volumepath -d 'Where named volumes live (default: volumes/ in the store)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l storage-driver -d 'The storage driver: only overlay (kernel overlayfs or fuse-overlayfs)' -r
complete -c berth -n "__fish_berth_needs_command" -l storage-opt -d 'A storage option: \'\' (none), or overlay.mount_program=PATH to fuse-overlayfs' -r
complete -c berth -n "__fish_berth_needs_command" -l log-level -d 'Log messages at this level and above on stderr: trace, debug, info, warn, error, fatal, panic' -r
complete -c berth -n "__fish_berth_needs_command" -l runtime -d 'The OCI runtime: berth runs containers itself, so only berth\'s own binary is accepted' -r
complete -c berth -n "__fish_berth_needs_command" -l runtime-flag -d 'A flag for the OCI runtime (refused: berth has no separate runtime)' -r
complete -c berth -n "__fish_berth_needs_command" -l events-backend -d 'The events backend: file or none (berth records no events yet; journald is refused)' -r
complete -c berth -n "__fish_berth_needs_command" -l cgroup-manager -d 'The cgroup manager: cgroupfs or systemd (berth always writes the cgroup files itself)' -r
complete -c berth -n "__fish_berth_needs_command" -l registries-conf -d 'A registries.conf to use instead of the default files' -r -F
complete -c berth -n "__fish_berth_needs_command" -l default-mounts-file -d 'Refused: berth reads no mounts.conf (give the mounts with -v)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l conmon -d 'Refused: berth has no conmon, it monitors its containers itself' -r -F
complete -c berth -n "__fish_berth_needs_command" -l hooks-dir -d 'Refused: berth runs no OCI hooks' -r -F
complete -c berth -n "__fish_berth_needs_command" -l network-cmd-path -d 'Refused: berth runs pasta or slirp4netns from $PATH' -r -F
complete -c berth -n "__fish_berth_needs_command" -l network-config-dir -d 'Refused: berth keeps its networks in its store (see --root)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l namespace -d 'Refused: berth has no libpod namespaces' -r
complete -c berth -n "__fish_berth_needs_command" -l tmpdir -d 'Refused: berth keeps such state in its runtime directory (see --runroot)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l url -d 'Refused: berth has no remote service' -r
complete -c berth -n "__fish_berth_needs_command" -s c -l connection -d 'Refused: berth has no remote service' -r
complete -c berth -n "__fish_berth_needs_command" -l identity -d 'Refused: berth has no remote service' -r -F
complete -c berth -n "__fish_berth_needs_command" -l ssh -d 'Refused: berth has no remote service' -r
complete -c berth -n "__fish_berth_needs_command" -s D -l debug -d 'Log at debug level (docker\'s spelling of --log-level=debug)'
complete -c berth -n "__fish_berth_needs_command" -l noout -d 'Do not print berth\'s output on stdout (an attached container\'s output included)'
complete -c berth -n "__fish_berth_needs_command" -l syslog -d 'Refused: berth logs to stderr only'
complete -c berth -n "__fish_berth_needs_command" -s r -l remote -d 'Refused: berth has no remote service'
complete -c berth -n "__fish_berth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_needs_command" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_needs_command" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_needs_command" -f -a "create" -d 'Create a container without starting it'
complete -c berth -n "__fish_berth_needs_command" -f -a "start" -d 'Start one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "stop" -d 'Stop one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "kill" -d 'Send a signal to one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "wait" -d 'Wait for containers to exit and print their exit codes'
complete -c berth -n "__fish_berth_needs_command" -f -a "logs" -d 'Show a container\'s logs'
complete -c berth -n "__fish_berth_needs_command" -f -a "attach" -d 'Attach to a detached container\'s output and input'
complete -c berth -n "__fish_berth_needs_command" -f -a "healthcheck" -d 'Run a container\'s healthcheck'
complete -c berth -n "__fish_berth_needs_command" -f -a "pause" -d 'Pause the processes of containers (the cgroup v2 freezer)'
complete -c berth -n "__fish_berth_needs_command" -f -a "unpause" -d 'Unpause paused containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_needs_command" -f -a "pull" -d 'Pull an image from a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "push" -d 'Push an image to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "login" -d 'Log in to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "logout" -d 'Log out of a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "tag" -d 'Add names to an image'
complete -c berth -n "__fish_berth_needs_command" -f -a "untag" -d 'Remove names from an image'
complete -c berth -n "__fish_berth_needs_command" -f -a "save" -d 'Save images to an archive'
complete -c berth -n "__fish_berth_needs_command" -f -a "load" -d 'Load images from an archive'
complete -c berth -n "__fish_berth_needs_command" -f -a "history" -d 'Show an image\'s history'
complete -c berth -n "__fish_berth_needs_command" -f -a "image" -d 'Manage images'
complete -c berth -n "__fish_berth_needs_command" -f -a "system" -d 'Check and repair the store'
complete -c berth -n "__fish_berth_needs_command" -f -a "images" -d 'List images in the local store'
complete -c berth -n "__fish_berth_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_needs_command" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "list" -d 'List containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "exec" -d 'Run a command in a running container'
complete -c berth -n "__fish_berth_needs_command" -f -a "top" -d 'Show the processes of a running container'
complete -c berth -n "__fish_berth_needs_command" -f -a "inspect" -d 'Show the configuration and state of containers and images'
complete -c berth -n "__fish_berth_needs_command" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "port" -d 'List a container\'s published ports'
complete -c berth -n "__fish_berth_needs_command" -f -a "container" -d 'Manage containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "diff" -d 'Show the files a container changed, added or deleted'
complete -c berth -n "__fish_berth_needs_command" -f -a "export" -d 'Write a container\'s filesystem as a tarball'
complete -c berth -n "__fish_berth_needs_command" -f -a "commit" -d 'Create an image from a container\'s changes'
complete -c berth -n "__fish_berth_needs_command" -f -a "cp" -d 'Copy files between a container and the host'
complete -c berth -n "__fish_berth_needs_command" -f -a "info" -d 'Report what berth depends on, each with ok or a fix'
complete -c berth -n "__fish_berth_needs_command" -f -a "events" -d 'Show the event log: containers, images and volumes, as they change'
complete -c berth -n "__fish_berth_needs_command" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_needs_command" -f -a "volume" -d 'Manage named volumes'
complete -c berth -n "__fish_berth_needs_command" -f -a "unshare" -d 'Run a command in berth\'s user namespace, where the container ids are mapped'
complete -c berth -n "__fish_berth_needs_command" -f -a "build" -d 'Build an image from a Dockerfile (Containerfile) and a context directory'
complete -c berth -n "__fish_berth_needs_command" -f -a "buildx" -d 'Docker\'s buildx: `buildx build` is `build`'
complete -c berth -n "__fish_berth_needs_command" -f -a "builder" -d 'Manage the build cache'
complete -c berth -n "__fish_berth_needs_command" -f -a "network" -d 'Manage user networks'
complete -c berth -n "__fish_berth_needs_command" -f -a "quadlet" -d 'Turn quadlet files into systemd units (the generator), and manage quadlet files'
complete -c berth -n "__fish_berth_needs_command" -f -a "generate" -d 'Generate systemd units or Kubernetes YAML for containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "auto-update" -d 'Update containers labelled io.containers.autoupdate and restart their systemd units'
complete -c berth -n "__fish_berth_needs_command" -f -a "compose" -d 'Run multi-container applications from a Compose file'
complete -c berth -n "__fish_berth_needs_command" -f -a "pod" -d 'Manage pods: containers sharing network, IPC and UTS namespaces'
complete -c berth -n "__fish_berth_needs_command" -f -a "kube" -d 'Play Kubernetes YAML as pods, and write it for pods and containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "play" -d 'Play Kubernetes YAML (podman 4\'s `play kube`, the same as `kube play`)'
complete -c berth -n "__fish_berth_needs_command" -f -a "stats" -d 'Show containers\' resource usage (CPU, memory, network, block IO, processes)'
complete -c berth -n "__fish_berth_needs_command" -f -a "update" -d 'Change the resource limits of a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand run" -l restart -d 'Restart policy: no, on-failure[:N], always, unless-stopped' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l stop-signal -d 'Signal that stops the container (default: the image\'s StopSignal, else SIGTERM)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l stop-timeout -d 'Seconds `stop` waits before it kills the container (default 10)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to take it from the host)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l env-file -d 'Read environment variables from a file' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -s w -l workdir -d 'Working directory inside the container (created if missing)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s u -l user -d 'Run as user: name or uid, with an optional :group or :gid' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l entrypoint -d 'Override the image\'s entrypoint (a string, or a JSON array)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s h -l hostname -d 'Set the container\'s hostname' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s v -l volume -d 'Mount a host path or a named volume: [HOST-PATH|NAME:]CONTAINER[:OPTIONS] (options: ro, rw, U, z, Z, nocopy, [no]exec, [no]suid, [no]dev); a new named volume gets the image\'s content at CONTAINER' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l volumes-from -d 'Mount the volumes and bind mounts of another container: CONTAINER[:ro|rw] (default: as it has them); this container\'s own -v and --mount win on the same path' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l mount -d 'Attach a mount: type=bind|volume|tmpfs,source=,target=[,readonly][,U][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l tmpfs -d 'Mount a tmpfs: PATH[:OPTIONS]' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l image-volume -d 'What the image\'s VOLUME paths become: bind (an anonymous volume each, the default), tmpfs, or ignore' -r -f -a "bind\t''
tmpfs\t''
ignore\t''"
complete -c berth -n "__fish_berth_using_subcommand run" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand run" -l cap-add -d 'Add a capability (e.g. NET_ADMIN, or ALL)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cap-drop -d 'Drop a capability (e.g. CHOWN, or ALL)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined, seccomp=PROFILE.json, mask=PATH[:PATH...], unmask=ALL|PATH[:PATH...]' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l userns -d 'User namespace mode: the default session mapping, or keep-id' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l network -l net -d 'Network mode: pasta[:OPTIONS] (the default when installed), slirp4netns[:OPTIONS], private (the default helper), none, host, container:NAME|ID, ns:PATH, bridge (podman\'s default network), or user networks NAME[,NAME2] (made with `network create`); a user network may take options, NAME:alias=A,ip=ADDR,ip6=ADDR6,mac=MAC,interface_name=X, and --network may be repeated for more user networks' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s p -l publish -d 'Publish container ports on the host: [[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL] (an empty host port picks a free one; ranges such as 8000-8010:80-90)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l expose -d 'Expose a port or range for --publish-all: PORT[/PROTOCOL]' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l add-host -d 'Add a line to /etc/hosts: HOST:IP' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns -d 'DNS server for /etc/resolv.conf (none: no servers)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns-search -d 'DNS search domain for /etc/resolv.conf (. : none)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns-option -l dns-opt -d 'DNS option for /etc/resolv.conf, such as ndots:2' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l http-proxy -d 'Pass the host\'s proxy variables (http_proxy, https_proxy, ftp_proxy, no_proxy, and their upper-case forms) into the container' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand run" -l network-alias -l net-alias -d 'Another name for the container on its user networks (repeatable, or comma-separated)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ip -d 'A static IPv4 address on the container\'s (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ip6 -d 'A static IPv6 address on the container\'s (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l mac-address -d 'The MAC address of the container\'s interface on its (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l log-driver -d 'Where the container\'s output goes: k8s-file (json-file), none, passthrough' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l log-opt -d 'Log driver options: max-size=SIZE' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-cmd -d 'Healthcheck command (a shell string, a JSON exec array, or `none`)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-interval -d 'Time between healthchecks (e.g. 30s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-retries -d 'Failures in a row before the container is unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-start-period -d 'Time after start during which failures do not count' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-timeout -d 'Time a healthcheck may take' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s l -l label -d 'Set a label on the container (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l annotation -d 'Set an annotation on the container (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l detach-keys -d 'Key sequence that detaches from `run -it`, leaving the container running (default ctrl-p,ctrl-q; empty turns it off)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cidfile -d 'Write the container id to this file' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l pidfile -d 'Write the container\'s pid to this file while it runs' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l tz -d 'The container\'s time zone: a zone name such as Europe/Paris, or `local` for the host\'s' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ulimit -d 'Resource limit: NAME=SOFT[:HARD] (e.g. nofile=1024:2048), or host' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l shm-size -d 'Size of /dev/shm (e.g. 64m)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sysctl -d 'Set a namespaced kernel parameter (e.g. net.ipv4.ip_forward=1)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device -d 'Bind a host device into the container: HOST[:CONTAINER[:PERMISSIONS]]' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l group-add -d 'Add a supplementary group (name or gid)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ipc -d 'IPC namespace: shareable (the default), private, none (no /dev/shm), host, or container:NAME|ID (a shareable one)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l unsetenv -d 'Do not set this variable of podman\'s defaults (PATH, TERM, container) or the image\'s' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s m -l memory -d 'Memory limit (e.g. 512m): the cgroup\'s memory.max' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-reservation -d 'Memory soft limit: the cgroup\'s memory.low' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-swappiness -d 'Swappiness 0-100 (refused: cgroup v2 has none per cgroup)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpus -d 'Number of CPUs (e.g. 1.5): a quota of the CPU period' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s c -l cpu-shares -d 'CPU shares (relative weight, 2-262144): the cgroup\'s cpu.weight' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpu-quota -d 'CPU CFS quota, microseconds per period' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpu-period -d 'CPU CFS period, microseconds' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpuset-mems -d 'Memory nodes the container may use (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pids-limit -d 'Process limit (0 or -1: none): the cgroup\'s pids.max' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l blkio-weight -d 'Block IO weight, 10-1000: the cgroup\'s io.weight' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-read-bps -d 'Limit reads from a device (DEVICE:RATE, e.g. /dev/sda:1mb)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-write-bps -d 'Limit writes to a device (DEVICE:RATE)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-read-iops -d 'Limit read operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-write-iops -d 'Limit write operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l oom-score-adj -d 'The OOM score adjustment of the container\'s processes (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroup-conf -d 'Write a cgroup file: KEY=VALUE (e.g. memory.high=50m as bytes; repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroups -d 'The container\'s cgroup: enabled (default), disabled, no-conmon or split' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroup-parent -d 'The cgroup the container\'s cgroup is created in' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroupns -d 'The cgroup namespace: host (default) or private' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l kernel-memory -d 'Kernel memory limit: no longer supported by the kernel; ignored with a warning' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth\'s monitor, once the container runs), container (the container, through NOTIFY_SOCKET), healthy (after the first passing healthcheck), ignore' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l systemd -d 'Run systemd as the container\'s init: true (when the command is systemd or init), false, always (not supported yet: only false runs such a command)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pod -d 'Run the container in this pod (made with `berth pod create`); new:NAME creates it' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l uts -d 'UTS namespace (hostname): private (the default), host, or container:NAME|ID' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pull -d 'Pull the image: missing (default), always, never or newer' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand run" -l rm -d 'Remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand run" -s d -l detach -d 'Run in the background and print the container id'
complete -c berth -n "__fish_berth_using_subcommand run" -s i -l interactive -d 'Keep stdin open'
complete -c berth -n "__fish_berth_using_subcommand run" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c berth -n "__fish_berth_using_subcommand run" -l read-only -d 'Make the container\'s root filesystem read-only'
complete -c berth -n "__fish_berth_using_subcommand run" -l init -d 'Run berth\'s reaping init as PID 1, with the command as its child'
complete -c berth -n "__fish_berth_using_subcommand run" -l privileged -d 'Give the container every capability and no seccomp filter, masked or read-only paths'
complete -c berth -n "__fish_berth_using_subcommand run" -s P -l publish-all -d 'Publish every exposed port (the image\'s EXPOSE and --expose) to a free host port'
complete -c berth -n "__fish_berth_using_subcommand run" -l env-host -d 'Copy the host\'s environment into the container'
complete -c berth -n "__fish_berth_using_subcommand run" -l unsetenv-all -d 'Set none of podman\'s default variables or the image\'s (only -e and --env-file)'
complete -c berth -n "__fish_berth_using_subcommand run" -l rmi -d 'With --rm: remove the image once the container is gone, unless another container uses it'
complete -c berth -n "__fish_berth_using_subcommand run" -l replace -d 'With --name: remove an existing container of that name first'
complete -c berth -n "__fish_berth_using_subcommand run" -l oom-kill-disable -d 'Refused: cgroup v2 cannot turn the OOM killer off'
complete -c berth -n "__fish_berth_using_subcommand run" -l pod-infra -d 'This container is a pod\'s infra (set by `berth pod create`)'
complete -c berth -n "__fish_berth_using_subcommand create" -l restart -d 'Restart policy: no, on-failure[:N], always, unless-stopped' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l stop-signal -d 'Signal that stops the container (default: the image\'s StopSignal, else SIGTERM)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l stop-timeout -d 'Seconds `stop` waits before it kills the container (default 10)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to take it from the host)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l env-file -d 'Read environment variables from a file' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -s w -l workdir -d 'Working directory inside the container (created if missing)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s u -l user -d 'Run as user: name or uid, with an optional :group or :gid' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l entrypoint -d 'Override the image\'s entrypoint (a string, or a JSON array)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s h -l hostname -d 'Set the container\'s hostname' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s v -l volume -d 'Mount a host path or a named volume: [HOST-PATH|NAME:]CONTAINER[:OPTIONS] (options: ro, rw, U, z, Z, nocopy, [no]exec, [no]suid, [no]dev); a new named volume gets the image\'s content at CONTAINER' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l volumes-from -d 'Mount the volumes and bind mounts of another container: CONTAINER[:ro|rw] (default: as it has them); this container\'s own -v and --mount win on the same path' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l mount -d 'Attach a mount: type=bind|volume|tmpfs,source=,target=[,readonly][,U][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l tmpfs -d 'Mount a tmpfs: PATH[:OPTIONS]' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l image-volume -d 'What the image\'s VOLUME paths become: bind (an anonymous volume each, the default), tmpfs, or ignore' -r -f -a "bind\t''
tmpfs\t''
ignore\t''"
complete -c berth -n "__fish_berth_using_subcommand create" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand create" -l cap-add -d 'Add a capability (e.g. NET_ADMIN, or ALL)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cap-drop -d 'Drop a capability (e.g. CHOWN, or ALL)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined, seccomp=PROFILE.json, mask=PATH[:PATH...], unmask=ALL|PATH[:PATH...]' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l userns -d 'User namespace mode: the default session mapping, or keep-id' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l network -l net -d 'Network mode: pasta[:OPTIONS] (the default when installed), slirp4netns[:OPTIONS], private (the default helper), none, host, container:NAME|ID, ns:PATH, bridge (podman\'s default network), or user networks NAME[,NAME2] (made with `network create`); a user network may take options, NAME:alias=A,ip=ADDR,ip6=ADDR6,mac=MAC,interface_name=X, and --network may be repeated for more user networks' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s p -l publish -d 'Publish container ports on the host: [[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL] (an empty host port picks a free one; ranges such as 8000-8010:80-90)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l expose -d 'Expose a port or range for --publish-all: PORT[/PROTOCOL]' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l add-host -d 'Add a line to /etc/hosts: HOST:IP' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns -d 'DNS server for /etc/resolv.conf (none: no servers)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns-search -d 'DNS search domain for /etc/resolv.conf (. : none)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns-option -l dns-opt -d 'DNS option for /etc/resolv.conf, such as ndots:2' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l http-proxy -d 'Pass the host\'s proxy variables (http_proxy, https_proxy, ftp_proxy, no_proxy, and their upper-case forms) into the container' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand create" -l network-alias -l net-alias -d 'Another name for the container on its user networks (repeatable, or comma-separated)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ip -d 'A static IPv4 address on the container\'s (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ip6 -d 'A static IPv6 address on the container\'s (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l mac-address -d 'The MAC address of the container\'s interface on its (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l log-driver -d 'Where the container\'s output goes: k8s-file (json-file), none, passthrough' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l log-opt -d 'Log driver options: max-size=SIZE' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-cmd -d 'Healthcheck command (a shell string, a JSON exec array, or `none`)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-interval -d 'Time between healthchecks (e.g. 30s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-retries -d 'Failures in a row before the container is unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-start-period -d 'Time after start during which failures do not count' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-timeout -d 'Time a healthcheck may take' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s l -l label -d 'Set a label on the container (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l annotation -d 'Set an annotation on the container (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l detach-keys -d 'Key sequence that detaches from `run -it`, leaving the container running (default ctrl-p,ctrl-q; empty turns it off)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cidfile -d 'Write the container id to this file' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l pidfile -d 'Write the container\'s pid to this file while it runs' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l tz -d 'The container\'s time zone: a zone name such as Europe/Paris, or `local` for the host\'s' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ulimit -d 'Resource limit: NAME=SOFT[:HARD] (e.g. nofile=1024:2048), or host' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l shm-size -d 'Size of /dev/shm (e.g. 64m)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l sysctl -d 'Set a namespaced kernel parameter (e.g. net.ipv4.ip_forward=1)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device -d 'Bind a host device into the container: HOST[:CONTAINER[:PERMISSIONS]]' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l group-add -d 'Add a supplementary group (name or gid)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ipc -d 'IPC namespace: shareable (the default), private, none (no /dev/shm), host, or container:NAME|ID (a shareable one)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l unsetenv -d 'Do not set this variable of podman\'s defaults (PATH, TERM, container) or the image\'s' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s m -l memory -d 'Memory limit (e.g. 512m): the cgroup\'s memory.max' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-reservation -d 'Memory soft limit: the cgroup\'s memory.low' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-swappiness -d 'Swappiness 0-100 (refused: cgroup v2 has none per cgroup)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpus -d 'Number of CPUs (e.g. 1.5): a quota of the CPU period' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s c -l cpu-shares -d 'CPU shares (relative weight, 2-262144): the cgroup\'s cpu.weight' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpu-quota -d 'CPU CFS quota, microseconds per period' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpu-period -d 'CPU CFS period, microseconds' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpuset-mems -d 'Memory nodes the container may use (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pids-limit -d 'Process limit (0 or -1: none): the cgroup\'s pids.max' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l blkio-weight -d 'Block IO weight, 10-1000: the cgroup\'s io.weight' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-read-bps -d 'Limit reads from a device (DEVICE:RATE, e.g. /dev/sda:1mb)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-write-bps -d 'Limit writes to a device (DEVICE:RATE)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-read-iops -d 'Limit read operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-write-iops -d 'Limit write operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l oom-score-adj -d 'The OOM score adjustment of the container\'s processes (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroup-conf -d 'Write a cgroup file: KEY=VALUE (e.g. memory.high=50m as bytes; repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroups -d 'The container\'s cgroup: enabled (default), disabled, no-conmon or split' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroup-parent -d 'The cgroup the container\'s cgroup is created in' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroupns -d 'The cgroup namespace: host (default) or private' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l kernel-memory -d 'Kernel memory limit: no longer supported by the kernel; ignored with a warning' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth\'s monitor, once the container runs), container (the container, through NOTIFY_SOCKET), healthy (after the first passing healthcheck), ignore' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l systemd -d 'Run systemd as the container\'s init: true (when the command is systemd or init), false, always (not supported yet: only false runs such a command)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pod -d 'Run the container in this pod (made with `berth pod create`); new:NAME creates it' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l uts -d 'UTS namespace (hostname): private (the default), host, or container:NAME|ID' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pull -d 'Pull the image: missing (default), always, never or newer' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand create" -l rm -d 'Remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand create" -s d -l detach -d 'Run in the background and print the container id'
complete -c berth -n "__fish_berth_using_subcommand create" -s i -l interactive -d 'Keep stdin open'
complete -c berth -n "__fish_berth_using_subcommand create" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c berth -n "__fish_berth_using_subcommand create" -l read-only -d 'Make the container\'s root filesystem read-only'
complete -c berth -n "__fish_berth_using_subcommand create" -l init -d 'Run berth\'s reaping init as PID 1, with the command as its child'
complete -c berth -n "__fish_berth_using_subcommand create" -l privileged -d 'Give the container every capability and no seccomp filter, masked or read-only paths'
complete -c berth -n "__fish_berth_using_subcommand create" -s P -l publish-all -d 'Publish every exposed port (the image\'s EXPOSE and --expose) to a free host port'
complete -c berth -n "__fish_berth_using_subcommand create" -l env-host -d 'Copy the host\'s environment into the container'
complete -c berth -n "__fish_berth_using_subcommand create" -l unsetenv-all -d 'Set none of podman\'s default variables or the image\'s (only -e and --env-file)'
complete -c berth -n "__fish_berth_using_subcommand create" -l rmi -d 'With --rm: remove the image once the container is gone, unless another container uses it'
complete -c berth -n "__fish_berth_using_subcommand create" -l replace -d 'With --name: remove an existing container of that name first'
complete -c berth -n "__fish_berth_using_subcommand create" -l oom-kill-disable -d 'Refused: cgroup v2 cannot turn the OOM killer off'
complete -c berth -n "__fish_berth_using_subcommand create" -l pod-infra -d 'This container is a pod\'s infra (set by `berth pod create`)'
complete -c berth -n "__fish_berth_using_subcommand start" -s f -l filter -d 'Start only the containers that match: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable; without names, of all containers)' -r
complete -c berth -n "__fish_berth_using_subcommand start" -s a -l attach -d 'Attach to the container\'s output and wait for it (foreground)'
complete -c berth -n "__fish_berth_using_subcommand start" -s i -l interactive -d 'Keep stdin open (with --attach)'
complete -c berth -n "__fish_berth_using_subcommand start" -l all -d 'Start every container that is not running'
complete -c berth -n "__fish_berth_using_subcommand start" -s l -l latest -d 'Start the latest created container'
complete -c berth -n "__fish_berth_using_subcommand start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand stop" -s t -l time -l timeout -d 'Seconds to wait before killing the container (default: its --stop-timeout, else 10)' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -l cidfile -d 'Read the container\'s id from this file (repeatable)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -s f -l filter -d 'Stop only the running containers that match: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -s a -l all -d 'Stop all running containers'
complete -c berth -n "__fish_berth_using_subcommand stop" -s i -l ignore -d 'Ignore containers that do not exist'
complete -c berth -n "__fish_berth_using_subcommand stop" -s l -l latest -d 'Stop the latest created container'
complete -c berth -n "__fish_berth_using_subcommand stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kill" -s s -l signal -d 'Signal to send (name or number, with or without SIG or a dash)' -r
complete -c berth -n "__fish_berth_using_subcommand kill" -s a -l all -d 'Kill all running containers'
complete -c berth -n "__fish_berth_using_subcommand kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand restart" -s t -l time -l timeout -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand wait" -l condition -d 'The state to wait for: created, running, paused, stopped or exited (repeatable: any of them; default: exited)' -r
complete -c berth -n "__fish_berth_using_subcommand wait" -s i -l interval -d 'How often to check a condition other than exited: a duration (default 250ms)' -r
complete -c berth -n "__fish_berth_using_subcommand wait" -l ignore -d 'A container that does not exist is not an error'
complete -c berth -n "__fish_berth_using_subcommand wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logs" -l tail -d 'Only the last N lines' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l since -d 'Only lines since this time (RFC 3339, unix seconds, or a duration like 10m)' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l until -d 'Only lines until this time (RFC 3339, unix seconds, or a duration like 10m)' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -s f -l follow -d 'Follow the log until the container exits'
complete -c berth -n "__fish_berth_using_subcommand logs" -s t -l timestamps -d 'Prefix each line with its time'
complete -c berth -n "__fish_berth_using_subcommand logs" -s n -l names -d 'Prefix each line with the container\'s name'
complete -c berth -n "__fish_berth_using_subcommand logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand attach" -l detach-keys -d 'Key sequence that detaches, leaving the container running' -r
complete -c berth -n "__fish_berth_using_subcommand attach" -l no-stdin -d 'Do not send stdin to the container'
complete -c berth -n "__fish_berth_using_subcommand attach" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -f -a "run" -d 'Run a container\'s healthcheck now'
complete -c berth -n "__fish_berth_using_subcommand healthcheck; and not __fish_seen_subcommand_from run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand healthcheck; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand healthcheck; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a container\'s healthcheck now'
complete -c berth -n "__fish_berth_using_subcommand healthcheck; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand import" -s c -l change -d 'Apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -s m -l message -d 'Set the comment of the image\'s history entry' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l os -d 'Set the OS of the image (default: linux)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l arch -d 'Set the architecture of the image (Go names: amd64, arm64…; default: this machine\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l variant -d 'Set the architecture variant of the image (e.g. v8)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -s q -l quiet -d 'Print only the image id (it is all berth prints anyway)'
complete -c berth -n "__fish_berth_using_subcommand import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pull" -l platform -d 'Pull the image for this platform (os/arch[/variant]) instead of the host\'s' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l arch -d 'Pull the image for this architecture' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l os -d 'Pull the image for this OS' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l variant -d 'Pull the image for this architecture variant' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand pull" -l creds -d 'Credentials (USERNAME[:PASSWORD]) for the registry' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l authfile -d 'Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -s q -l quiet -d 'Print only the image id'
complete -c berth -n "__fish_berth_using_subcommand pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand push" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand push" -l creds -d 'Credentials (USERNAME[:PASSWORD]) for the registry' -r
complete -c berth -n "__fish_berth_using_subcommand push" -l authfile -d 'Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -l digestfile -d 'Write the pushed manifest\'s digest to this file' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand login" -s u -l username -d 'User name (prompted for on a terminal when missing)' -r
complete -c berth -n "__fish_berth_using_subcommand login" -s p -l password -d 'Password (prefer --password-stdin: a command line is visible to other users)' -r
complete -c berth -n "__fish_berth_using_subcommand login" -l authfile -d 'Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand login" -l password-stdin -d 'Read the password from stdin'
complete -c berth -n "__fish_berth_using_subcommand login" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logout" -l authfile -d 'Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -s a -l all -d 'Remove the credentials of every registry'
complete -c berth -n "__fish_berth_using_subcommand logout" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand tag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand untag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand save" -s o -l output -d 'Write to this file (a directory for oci-dir) instead of stdout' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l format -d 'docker-archive, oci-archive or oci-dir' -r
complete -c berth -n "__fish_berth_using_subcommand save" -s m -l multi-image-archive -d 'Save every image named into one docker-archive (berth always does: each name is an image, never an extra tag of the first)'
complete -c berth -n "__fish_berth_using_subcommand save" -l uncompressed -d 'Write the layers of an oci-archive or oci-dir uncompressed (docker-archive layers always are)'
complete -c berth -n "__fish_berth_using_subcommand save" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand save" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand load" -s i -l input -d 'Read from this archive (or OCI layout directory) instead of stdin' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand history" -l format -d 'Output format: `json`, `table`, or a Go template with the fields ID, Created, CreatedSince, CreatedAt, CreatedBy, Size, Comment, Tags' -r
complete -c berth -n "__fish_berth_using_subcommand history" -s H -l human -d 'Sizes and dates in human-readable form' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand history" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand history" -s q -l quiet -d 'Print only the ids'
complete -c berth -n "__fish_berth_using_subcommand history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "ls" -d 'List images in the local store'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "list" -d 'List images in the local store'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "pull" -d 'Pull an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "push" -d 'Push an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "tag" -d 'Add names to an image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "untag" -d 'Remove names from an image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "history" -d 'Show an image\'s history'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "save" -d 'Save images to an archive'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "load" -d 'Load images from an archive'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "build" -d 'Build an image from a Dockerfile (same as `berth build`)'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "inspect" -d 'Show images\' configuration as JSON'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "exists" -d 'Exit 0 when the image is in the store, 1 when it is not'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list rm pull push tag untag history prune save load import build inspect exists help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`, `before=IMAGE`, `since=IMAGE`, `id=ID`, `until=TIMESTAMP|DURATION` (repeatable; all must match)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Output format: `json`, `table`, or a Go template such as `{{.Repository}}:{{.Tag}}`' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l sort -d 'Sort by: created (newest first, the default), id, repository, size, tag' -r -f -a "created\t''
id\t''
repository\t''
size\t''
tag\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (berth stores no intermediate images, so this changes nothing)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only the image ids'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate image ids'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s n -l noheading -d 'Do not print the column headings'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show the manifest digests'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`, `before=IMAGE`, `since=IMAGE`, `id=ID`, `until=TIMESTAMP|DURATION` (repeatable; all must match)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l format -d 'Output format: `json`, `table`, or a Go template such as `{{.Repository}}:{{.Tag}}`' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l sort -d 'Sort by: created (newest first, the default), id, repository, size, tag' -r -f -a "created\t''
id\t''
repository\t''
size\t''
tag\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all images (berth stores no intermediate images, so this changes nothing)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the image ids'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l no-trunc -d 'Do not truncate image ids'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s n -l noheading -d 'Do not print the column headings'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l digests -d 'Show the manifest digests'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove all images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Also remove the (stopped) containers using the images, and images with several names'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Ignore images that do not exist'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'Pull the image for this platform (os/arch[/variant]) instead of the host\'s' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l arch -d 'Pull the image for this architecture' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l os -d 'Pull the image for this OS' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l variant -d 'Pull the image for this architecture variant' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l creds -d 'Credentials (USERNAME[:PASSWORD]) for the registry' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l authfile -d 'Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Print only the image id'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l creds -d 'Credentials (USERNAME[:PASSWORD]) for the registry' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l authfile -d 'Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l digestfile -d 'Write the pushed manifest\'s digest to this file' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from untag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'Output format: `json`, `table`, or a Go template with the fields ID, Created, CreatedSince, CreatedAt, CreatedBy, Size, Comment, Tags' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Sizes and dates in human-readable form' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print only the ids'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove every image no container uses, not only the dangling ones'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation (berth never asks)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write to this file (a directory for oci-dir) instead of stdout' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l format -d 'docker-archive, oci-archive or oci-dir' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s m -l multi-image-archive -d 'Save every image named into one docker-archive (berth always does: each name is an image, never an extra tag of the first)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l uncompressed -d 'Write the layers of an oci-archive or oci-dir uncompressed (docker-archive layers always are)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s i -l input -d 'Read from this archive (or OCI layout directory) instead of stdin' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Set the comment of the image\'s history entry' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l os -d 'Set the OS of the image (default: linux)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l arch -d 'Set the architecture of the image (Go names: amd64, arm64…; default: this machine\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l variant -d 'Set the architecture variant of the image (e.g. v8)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only the image id (it is all berth prints anyway)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name (and tag) of the built image; may be given more than once' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s f -l file -d 'The Dockerfile (default: CONTEXT/Containerfile, then CONTEXT/Dockerfile); `-` reads stdin. A relative name not found here is looked up in the context; given more than once, the files are read as one, in order' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l format -d 'The image format: oci (default) or docker; also BUILDAH_FORMAT' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l ignorefile -d 'The ignore file (default: CONTEXT/.containerignore, then CONTEXT/.dockerignore)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l logfile -d 'Write the build\'s output to this file instead of the terminal' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l authfile -d 'The registry credentials file (default: auth.json\'s usual places; also REGISTRY_AUTH_FILE)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l ulimit -d 'A resource limit for RUN steps: NAME=SOFT[:HARD], as `run --ulimit`' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l security-opt -d 'Security options for RUN steps: seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l jobs -d 'How many stages may run at once (berth runs them one at a time, which every N allows)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l build-arg -d 'A build argument: KEY=VALUE, or KEY to take the value from the environment' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l target -d 'Build up to this stage (by name) and make it the image' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l pull -d 'Pull base images: missing (default), always, never' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l label -d 'A label for the image: KEY=VALUE' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l secret -d 'A secret for `RUN --mount=type=secret`: id=ID,src=FILE or id=ID,env=VAR' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image id to this file' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l network -l net -d 'Network for RUN steps: host (default), none, pasta[:OPTIONS] or slirp4netns[:OPTIONS]' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l platform -d 'Platform of the image: only the host\'s (os/arch) is supported' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l layers -d 'Cache each step\'s result and reuse it (true by default, or BUILDAH_LAYERS); false makes one new layer' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l timestamp -d 'Set every timestamp (created, history, file times in new layers) to these seconds since the epoch' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l pull-never -d 'Same as --pull=never'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l pull-always -d 'Same as --pull=always'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l no-cache -d 'Run every step again, ignoring the layer cache'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image id (RUN output goes to stderr)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l squash -d 'Squash the new layers into one (implies --layers=false)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l load -d 'docker buildx\'s --load: the image is stored locally, which berth always does'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: `json`, or a Go template with field paths such as `{{.Id}}`' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List images in the local store'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Pull an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "push" -d 'Push an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "tag" -d 'Add names to an image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "untag" -d 'Remove names from an image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "history" -d 'Show an image\'s history'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "save" -d 'Save images to an archive'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "load" -d 'Load images from an archive'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Dockerfile (same as `berth build`)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show images\' configuration as JSON'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 when the image is in the store, 1 when it is not'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from check prune events df help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from check prune events df help" -f -a "check" -d 'Find (and with --repair remove) half-written blobs, layers and index entries'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from check prune events df help" -f -a "prune" -d 'Remove stopped containers, dangling images and the build cache'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from check prune events df help" -f -a "events" -d 'Show the event log (as `berth events`)'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from check prune events df help" -f -a "df" -d 'Show the space images, containers and volumes use'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from check prune events df help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -s r -l repair -d 'Remove what is found'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove every image no container uses, not only the dangling ones'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l volumes -d 'Also remove the volumes no container uses'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s f -l filter -d 'Only events that match: container=, event= (or status=), image=, label=KEY[=VALUE], type=, volume=; several values of one key match any of them' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l format -d 'Output format: `json`, or a template such as `{{.ID}} {{.Status}}`' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l no-trunc -d 'Do not truncate ids (`--no-trunc=false` shortens them to 12 characters)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l since -d 'Only events since this time: RFC 3339, a date, Unix seconds, or a duration before now (10m, 1h30m)' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l until -d 'Only events until this time (the same forms as --since); with --stream, stop then' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l stream -d 'Keep printing new events as they happen (`--stream=false` prints what is logged and exits)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l format -d 'Output format: `json`, or a template with .Type, .Total, .Active, .Size, .Reclaimable' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s v -l verbose -d 'One table per image, container and volume'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "check" -d 'Find (and with --repair remove) half-written blobs, layers and index entries'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove stopped containers, dangling images and the build cache'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "events" -d 'Show the event log (as `berth events`)'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "df" -d 'Show the space images, containers and volumes use'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand images" -s f -l filter -d 'Filter: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`, `before=IMAGE`, `since=IMAGE`, `id=ID`, `until=TIMESTAMP|DURATION` (repeatable; all must match)' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l format -d 'Output format: `json`, `table`, or a Go template such as `{{.Repository}}:{{.Tag}}`' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l sort -d 'Sort by: created (newest first, the default), id, repository, size, tag' -r -f -a "created\t''
id\t''
repository\t''
size\t''
tag\t''"
complete -c berth -n "__fish_berth_using_subcommand images" -s a -l all -d 'Show all images (berth stores no intermediate images, so this changes nothing)'
complete -c berth -n "__fish_berth_using_subcommand images" -s q -l quiet -d 'Print only the image ids'
complete -c berth -n "__fish_berth_using_subcommand images" -l no-trunc -d 'Do not truncate image ids'
complete -c berth -n "__fish_berth_using_subcommand images" -s n -l noheading -d 'Do not print the column headings'
complete -c berth -n "__fish_berth_using_subcommand images" -l digests -d 'Show the manifest digests'
complete -c berth -n "__fish_berth_using_subcommand images" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s a -l all -d 'Remove all images'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s f -l force -d 'Also remove the (stopped) containers using the images, and images with several names'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s i -l ignore -d 'Ignore images that do not exist'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand ps" -s n -l last -d 'Show the N latest created containers (all states)' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -s f -l filter -d 'Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -l sort -d 'Sort by: command, created, id, image, names, runningfor, size, status (default: created)' -r -f -a "command\t''
created\t''
id\t''
image\t''
names\t''
runningfor\t''
size\t''
status\t''"
complete -c berth -n "__fish_berth_using_subcommand ps" -l format -d 'Output format: `json` (table by default)' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -s a -l all -d 'Show all containers, not only running ones'
complete -c berth -n "__fish_berth_using_subcommand ps" -s q -l quiet -d 'Print only the container ids'
complete -c berth -n "__fish_berth_using_subcommand ps" -l no-trunc -d 'Do not truncate ids and commands'
complete -c berth -n "__fish_berth_using_subcommand ps" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand ps" -s l -l latest -d 'Show the latest created container (all states)'
complete -c berth -n "__fish_berth_using_subcommand ps" -l external -d 'Also show containers in storage that berth does not control (berth\'s store holds only its own containers, so this lists the same ones)'
complete -c berth -n "__fish_berth_using_subcommand ps" -s p -l pod -d 'Show each container\'s pod (POD ID and PODNAME columns)'
complete -c berth -n "__fish_berth_using_subcommand ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand list" -s n -l last -d 'Show the N latest created containers (all states)' -r
complete -c berth -n "__fish_berth_using_subcommand list" -s f -l filter -d 'Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=' -r
complete -c berth -n "__fish_berth_using_subcommand list" -l sort -d 'Sort by: command, created, id, image, names, runningfor, size, status (default: created)' -r -f -a "command\t''
created\t''
id\t''
image\t''
names\t''
runningfor\t''
size\t''
status\t''"
complete -c berth -n "__fish_berth_using_subcommand list" -l format -d 'Output format: `json` (table by default)' -r
complete -c berth -n "__fish_berth_using_subcommand list" -s a -l all -d 'Show all containers, not only running ones'
complete -c berth -n "__fish_berth_using_subcommand list" -s q -l quiet -d 'Print only the container ids'
complete -c berth -n "__fish_berth_using_subcommand list" -l no-trunc -d 'Do not truncate ids and commands'
complete -c berth -n "__fish_berth_using_subcommand list" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand list" -s l -l latest -d 'Show the latest created container (all states)'
complete -c berth -n "__fish_berth_using_subcommand list" -l external -d 'Also show containers in storage that berth does not control (berth\'s store holds only its own containers, so this lists the same ones)'
complete -c berth -n "__fish_berth_using_subcommand list" -s p -l pod -d 'Show each container\'s pod (POD ID and PODNAME columns)'
complete -c berth -n "__fish_berth_using_subcommand list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand ls" -s n -l last -d 'Show the N latest created containers (all states)' -r
complete -c berth -n "__fish_berth_using_subcommand ls" -s f -l filter -d 'Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=' -r
complete -c berth -n "__fish_berth_using_subcommand ls" -l sort -d 'Sort by: command, created, id, image, names, runningfor, size, status (default: created)' -r -f -a "command\t''
created\t''
id\t''
image\t''
names\t''
runningfor\t''
size\t''
status\t''"
complete -c berth -n "__fish_berth_using_subcommand ls" -l format -d 'Output format: `json` (table by default)' -r
complete -c berth -n "__fish_berth_using_subcommand ls" -s a -l all -d 'Show all containers, not only running ones'
complete -c berth -n "__fish_berth_using_subcommand ls" -s q -l quiet -d 'Print only the container ids'
complete -c berth -n "__fish_berth_using_subcommand ls" -l no-trunc -d 'Do not truncate ids and commands'
complete -c berth -n "__fish_berth_using_subcommand ls" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand ls" -s l -l latest -d 'Show the latest created container (all states)'
complete -c berth -n "__fish_berth_using_subcommand ls" -l external -d 'Also show containers in storage that berth does not control (berth\'s store holds only its own containers, so this lists the same ones)'
complete -c berth -n "__fish_berth_using_subcommand ls" -s p -l pod -d 'Show each container\'s pod (POD ID and PODNAME columns)'
complete -c berth -n "__fish_berth_using_subcommand ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rm" -s t -l time -d 'Seconds to wait for a running container to stop before killing it (with -f; 0 kills at once)' -r
complete -c berth -n "__fish_berth_using_subcommand rm" -l cidfile -d 'Read the container\'s id from this file (repeatable)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l filter -d 'Remove the containers that match: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand rm" -s f -l force -d 'Stop a running container (its stop signal, then SIGKILL after --time) before removing it'
complete -c berth -n "__fish_berth_using_subcommand rm" -s a -l all -d 'Remove all containers'
complete -c berth -n "__fish_berth_using_subcommand rm" -l depend -d 'Also remove the containers that depend on it (`--network container:NAME`), first'
complete -c berth -n "__fish_berth_using_subcommand rm" -s l -l latest -d 'Remove the latest created container'
complete -c berth -n "__fish_berth_using_subcommand rm" -s v -l volumes -d 'Remove the containers\' anonymous volumes too'
complete -c berth -n "__fish_berth_using_subcommand rm" -s i -l ignore -d 'Ignore containers that do not exist'
complete -c berth -n "__fish_berth_using_subcommand rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand exec" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to take it from the host)' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l env-file -d 'Read environment variables from a file' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -s u -l user -d 'Run as user: name or uid, with an optional :group or :gid' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -s d -l detach -d 'Run the command in the background (stdio on /dev/null)'
complete -c berth -n "__fish_berth_using_subcommand exec" -s i -l interactive -d 'Keep stdin open'
complete -c berth -n "__fish_berth_using_subcommand exec" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c berth -n "__fish_berth_using_subcommand exec" -l privileged -d 'Give the process every capability (still inside the user namespace)'
complete -c berth -n "__fish_berth_using_subcommand exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand inspect" -s t -l type -d 'Only look for this kind of object' -r -f -a "all\t'Containers first, then images'
container\t''
image\t''"
complete -c berth -n "__fish_berth_using_subcommand inspect" -s f -l format -d 'Output format: `json`, or a Go template with field paths such as `{{.State.Status}}`' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_using_subcommand rename" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "list" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "inspect" -d 'Show the configuration and state of containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "prune" -d 'Remove all containers that are not running'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "exists" -d 'Exit 0 when a container exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "diff" -d 'Show the files a container changed, added or deleted'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "export" -d 'Write a container\'s filesystem as a tarball'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "commit" -d 'Create an image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "stop" -d 'Stop running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "kill" -d 'Send a signal to running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "wait" -d 'Wait for containers to reach a condition (default: exited) and print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "logs" -d 'Show a container\'s log'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "pause" -d 'Pause containers (cgroup freezer)'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "unpause" -d 'Unpause paused containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "stats" -d 'Show containers\' resource use'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "update" -d 'Change a container\'s resource limits'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "top" -d 'Show the processes of a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "port" -d 'List a container\'s published ports'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from ls list ps run rm inspect rename prune exists diff export commit cp stop kill wait logs pause unpause stats update top port help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s n -l last -d 'Show the N latest created containers (all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l sort -d 'Sort by: command, created, id, image, names, runningfor, size, status (default: created)' -r -f -a "command\t''
created\t''
id\t''
image\t''
names\t''
runningfor\t''
size\t''
status\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l format -d 'Output format: `json` (table by default)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all containers, not only running ones'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only the container ids'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate ids and commands'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the latest created container (all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l external -d 'Also show containers in storage that berth does not control (berth\'s store holds only its own containers, so this lists the same ones)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s p -l pod -d 'Show each container\'s pod (POD ID and PODNAME columns)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s n -l last -d 'Show the N latest created containers (all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l sort -d 'Sort by: command, created, id, image, names, runningfor, size, status (default: created)' -r -f -a "command\t''
created\t''
id\t''
image\t''
names\t''
runningfor\t''
size\t''
status\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l format -d 'Output format: `json` (table by default)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all containers, not only running ones'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the container ids'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l no-trunc -d 'Do not truncate ids and commands'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s l -l latest -d 'Show the latest created container (all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l external -d 'Also show containers in storage that berth does not control (berth\'s store holds only its own containers, so this lists the same ones)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s p -l pod -d 'Show each container\'s pod (POD ID and PODNAME columns)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s n -l last -d 'Show the N latest created containers (all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s f -l filter -d 'Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l sort -d 'Sort by: command, created, id, image, names, runningfor, size, status (default: created)' -r -f -a "command\t''
created\t''
id\t''
image\t''
names\t''
runningfor\t''
size\t''
status\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l format -d 'Output format: `json` (table by default)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show all containers, not only running ones'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Print only the container ids'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Do not truncate ids and commands'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s l -l latest -d 'Show the latest created container (all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l external -d 'Also show containers in storage that berth does not control (berth\'s store holds only its own containers, so this lists the same ones)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s p -l pod -d 'Show each container\'s pod (POD ID and PODNAME columns)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l restart -d 'Restart policy: no, on-failure[:N], always, unless-stopped' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-signal -d 'Signal that stops the container (default: the image\'s StopSignal, else SIGTERM)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-timeout -d 'Seconds `stop` waits before it kills the container (default 10)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s e -l env -d 'Set an environment variable (KEY=VALUE, or KEY to take it from the host)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l env-file -d 'Read environment variables from a file' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container (created if missing)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s u -l user -d 'Run as user: name or uid, with an optional :group or :gid' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l entrypoint -d 'Override the image\'s entrypoint (a string, or a JSON array)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s h -l hostname -d 'Set the container\'s hostname' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s v -l volume -d 'Mount a host path or a named volume: [HOST-PATH|NAME:]CONTAINER[:OPTIONS] (options: ro, rw, U, z, Z, nocopy, [no]exec, [no]suid, [no]dev); a new named volume gets the image\'s content at CONTAINER' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l volumes-from -d 'Mount the volumes and bind mounts of another container: CONTAINER[:ro|rw] (default: as it has them); this container\'s own -v and --mount win on the same path' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l mount -d 'Attach a mount: type=bind|volume|tmpfs,source=,target=[,readonly][,U][,tmpfs-size=][,tmpfs-mode=]' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l tmpfs -d 'Mount a tmpfs: PATH[:OPTIONS]' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l image-volume -d 'What the image\'s VOLUME paths become: bind (an anonymous volume each, the default), tmpfs, or ignore' -r -f -a "bind\t''
tmpfs\t''
ignore\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only-tmpfs -d 'With --read-only, mount tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-add -d 'Add a capability (e.g. NET_ADMIN, or ALL)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-drop -d 'Drop a capability (e.g. CHOWN, or ALL)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined, seccomp=PROFILE.json, mask=PATH[:PATH...], unmask=ALL|PATH[:PATH...]' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l userns -d 'User namespace mode: the default session mapping, or keep-id' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l network -l net -d 'Network mode: pasta[:OPTIONS] (the default when installed), slirp4netns[:OPTIONS], private (the default helper), none, host, container:NAME|ID, ns:PATH, bridge (podman\'s default network), or user networks NAME[,NAME2] (made with `network create`); a user network may take options, NAME:alias=A,ip=ADDR,ip6=ADDR6,mac=MAC,interface_name=X, and --network may be repeated for more user networks' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish container ports on the host: [[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL] (an empty host port picks a free one; ranges such as 8000-8010:80-90)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l expose -d 'Expose a port or range for --publish-all: PORT[/PROTOCOL]' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l add-host -d 'Add a line to /etc/hosts: HOST:IP' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns -d 'DNS server for /etc/resolv.conf (none: no servers)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-search -d 'DNS search domain for /etc/resolv.conf (. : none)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-option -l dns-opt -d 'DNS option for /etc/resolv.conf, such as ndots:2' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l http-proxy -d 'Pass the host\'s proxy variables (http_proxy, https_proxy, ftp_proxy, no_proxy, and their upper-case forms) into the container' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l network-alias -l net-alias -d 'Another name for the container on its user networks (repeatable, or comma-separated)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ip -d 'A static IPv4 address on the container\'s (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ip6 -d 'A static IPv6 address on the container\'s (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l mac-address -d 'The MAC address of the container\'s interface on its (single) user network' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-driver -d 'Where the container\'s output goes: k8s-file (json-file), none, passthrough' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-opt -d 'Log driver options: max-size=SIZE' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-cmd -d 'Healthcheck command (a shell string, a JSON exec array, or `none`)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-interval -d 'Time between healthchecks (e.g. 30s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-retries -d 'Failures in a row before the container is unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-start-period -d 'Time after start during which failures do not count' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-timeout -d 'Time a healthcheck may take' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-on-failure -d 'What to do when the container turns unhealthy: none, kill, restart, stop' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s l -l label -d 'Set a label on the container (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l annotation -d 'Set an annotation on the container (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l detach-keys -d 'Key sequence that detaches from `run -it`, leaving the container running (default ctrl-p,ctrl-q; empty turns it off)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cidfile -d 'Write the container id to this file' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pidfile -d 'Write the container\'s pid to this file while it runs' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l tz -d 'The container\'s time zone: a zone name such as Europe/Paris, or `local` for the host\'s' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ulimit -d 'Resource limit: NAME=SOFT[:HARD] (e.g. nofile=1024:2048), or host' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l shm-size -d 'Size of /dev/shm (e.g. 64m)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sysctl -d 'Set a namespaced kernel parameter (e.g. net.ipv4.ip_forward=1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device -d 'Bind a host device into the container: HOST[:CONTAINER[:PERMISSIONS]]' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l group-add -d 'Add a supplementary group (name or gid)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ipc -d 'IPC namespace: shareable (the default), private, none (no /dev/shm), host, or container:NAME|ID (a shareable one)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l unsetenv -d 'Do not set this variable of podman\'s defaults (PATH, TERM, container) or the image\'s' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s m -l memory -d 'Memory limit (e.g. 512m): the cgroup\'s memory.max' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-reservation -d 'Memory soft limit: the cgroup\'s memory.low' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swappiness -d 'Swappiness 0-100 (refused: cgroup v2 has none per cgroup)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpus -d 'Number of CPUs (e.g. 1.5): a quota of the CPU period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s c -l cpu-shares -d 'CPU shares (relative weight, 2-262144): the cgroup\'s cpu.weight' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-quota -d 'CPU CFS quota, microseconds per period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-period -d 'CPU CFS period, microseconds' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-mems -d 'Memory nodes the container may use (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pids-limit -d 'Process limit (0 or -1: none): the cgroup\'s pids.max' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l blkio-weight -d 'Block IO weight, 10-1000: the cgroup\'s io.weight' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-read-bps -d 'Limit reads from a device (DEVICE:RATE, e.g. /dev/sda:1mb)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-write-bps -d 'Limit writes to a device (DEVICE:RATE)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-read-iops -d 'Limit read operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-write-iops -d 'Limit write operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l oom-score-adj -d 'The OOM score adjustment of the container\'s processes (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroup-conf -d 'Write a cgroup file: KEY=VALUE (e.g. memory.high=50m as bytes; repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroups -d 'The container\'s cgroup: enabled (default), disabled, no-conmon or split' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroup-parent -d 'The cgroup the container\'s cgroup is created in' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroupns -d 'The cgroup namespace: host (default) or private' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l kernel-memory -d 'Kernel memory limit: no longer supported by the kernel; ignored with a warning' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth\'s monitor, once the container runs), container (the container, through NOTIFY_SOCKET), healthy (after the first passing healthcheck), ignore' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l systemd -d 'Run systemd as the container\'s init: true (when the command is systemd or init), false, always (not supported yet: only false runs such a command)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pod -d 'Run the container in this pod (made with `berth pod create`); new:NAME creates it' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l uts -d 'UTS namespace (hostname): private (the default), host, or container:NAME|ID' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pull -d 'Pull the image: missing (default), always, never or newer' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l rm -d 'Remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run in the background and print the container id'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s i -l interactive -d 'Keep stdin open'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only -d 'Make the container\'s root filesystem read-only'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l init -d 'Run berth\'s reaping init as PID 1, with the command as its child'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l privileged -d 'Give the container every capability and no seccomp filter, masked or read-only paths'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s P -l publish-all -d 'Publish every exposed port (the image\'s EXPOSE and --expose) to a free host port'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l env-host -d 'Copy the host\'s environment into the container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l unsetenv-all -d 'Set none of podman\'s default variables or the image\'s (only -e and --env-file)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l rmi -d 'With --rm: remove the image once the container is gone, unless another container uses it'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l replace -d 'With --name: remove an existing container of that name first'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l oom-kill-disable -d 'Refused: cgroup v2 cannot turn the OOM killer off'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pod-infra -d 'This container is a pod\'s infra (set by `berth pod create`)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s t -l time -d 'Seconds to wait for a running container to stop before killing it (with -f; 0 kills at once)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l cidfile -d 'Read the container\'s id from this file (repeatable)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l filter -d 'Remove the containers that match: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s f -l force -d 'Stop a running container (its stop signal, then SIGKILL after --time) before removing it'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove all containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l depend -d 'Also remove the containers that depend on it (`--network container:NAME`), first'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s l -l latest -d 'Remove the latest created container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove the containers\' anonymous volumes too'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Ignore containers that do not exist'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: `json`, or a Go template with field paths such as `{{.State.Status}}`' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exists" -l external -d 'Also look at containers in storage that berth does not control (berth\'s store holds only its own containers, so the answer is the same)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l format -d 'Output format: `json` (lines of `A|C|D PATH` by default)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s l -l latest -d 'Show the latest created container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s o -l output -d 'Write the tarball to this file instead of stdout' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s m -l message -d 'The commit message, recorded in the image\'s history' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s a -l author -d 'The author, recorded in the image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s c -l change -d 'A Dockerfile instruction applied to the new image\'s config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s q -l quiet -d 'Do not print anything but the image id'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s a -l archive -d 'Give copied files the owner of the destination: inside a container its user (or root), on the host the calling user; `-a=false` keeps the owners of the source' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l pause -d 'Accepted for podman compatibility: berth cannot freeze a container (it has no cgroup freezer), so the copy always runs without pausing, as podman\'s does where pausing is unavailable' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l overwrite -d 'Let a directory replace a non-directory of the same name and the other way round'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s t -l time -l timeout -d 'Seconds to wait before killing the container (default: its --stop-timeout, else 10)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l cidfile -d 'Read the container\'s id from this file (repeatable)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s f -l filter -d 'Stop only the running containers that match: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s a -l all -d 'Stop all running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s i -l ignore -d 'Ignore containers that do not exist'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s l -l latest -d 'Stop the latest created container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s s -l signal -d 'Signal to send (name or number, with or without SIG or a dash)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s a -l all -d 'Kill all running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l condition -d 'The state to wait for: created, running, paused, stopped or exited (repeatable: any of them; default: exited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s i -l interval -d 'How often to check a condition other than exited: a duration (default 250ms)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l ignore -d 'A container that does not exist is not an error'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l tail -d 'Only the last N lines' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l since -d 'Only lines since this time (RFC 3339, unix seconds, or a duration like 10m)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l until -d 'Only lines until this time (RFC 3339, unix seconds, or a duration like 10m)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow the log until the container exits'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Prefix each line with its time'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s n -l names -d 'Prefix each line with the container\'s name'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s i -l interval -d 'Seconds between readings' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l format -d 'Output: table, json, or a Go template (fields CPUPerc, MemUsage, MemPerc, NetIO, BlockIO, PIDs, Name, ID)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s a -l all -d 'Show all containers (default: the running ones)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-stream -d 'Print one reading and exit'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-reset -d 'Do not clear the screen between readings'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s m -l memory -d 'Memory limit (e.g. 512m): the cgroup\'s memory.max' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-reservation -d 'Memory soft limit: the cgroup\'s memory.low' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-swappiness -d 'Swappiness 0-100 (refused: cgroup v2 has none per cgroup)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpus -d 'Number of CPUs (e.g. 1.5): a quota of the CPU period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s c -l cpu-shares -d 'CPU shares (relative weight, 2-262144): the cgroup\'s cpu.weight' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpu-quota -d 'CPU CFS quota, microseconds per period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpu-period -d 'CPU CFS period, microseconds' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-mems -d 'Memory nodes the container may use (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l pids-limit -d 'Process limit (0 or -1: none): the cgroup\'s pids.max' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l blkio-weight -d 'Block IO weight, 10-1000: the cgroup\'s io.weight' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l device-read-bps -d 'Limit reads from a device (DEVICE:RATE, e.g. /dev/sda:1mb)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l device-write-bps -d 'Limit writes to a device (DEVICE:RATE)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l device-read-iops -d 'Limit read operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l device-write-iops -d 'Limit write operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show the configuration and state of containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all containers that are not running'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 when a container exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Show the files a container changed, added or deleted'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write a container\'s filesystem as a tarball'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "commit" -d 'Create an image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Send a signal to running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait for containers to reach a condition (default: exited) and print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Show a container\'s log'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause containers (cgroup freezer)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "unpause" -d 'Unpause paused containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Show containers\' resource use'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a container\'s resource limits'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "top" -d 'Show the processes of a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "port" -d 'List a container\'s published ports'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand diff" -l format -d 'Output format: `json` (lines of `A|C|D PATH` by default)' -r
complete -c berth -n "__fish_berth_using_subcommand diff" -s l -l latest -d 'Show the latest created container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand diff" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand export" -s o -l output -d 'Write the tarball to this file instead of stdout' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand commit" -s m -l message -d 'The commit message, recorded in the image\'s history' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s a -l author -d 'The author, recorded in the image' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s c -l change -d 'A Dockerfile instruction applied to the new image\'s config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s q -l quiet -d 'Do not print anything but the image id'
complete -c berth -n "__fish_berth_using_subcommand commit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand cp" -s a -l archive -d 'Give copied files the owner of the destination: inside a container its user (or root), on the host the calling user; `-a=false` keeps the owners of the source' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand cp" -l pause -d 'Accepted for podman compatibility: berth cannot freeze a container (it has no cgroup freezer), so the copy always runs without pausing, as podman\'s does where pausing is unavailable' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand cp" -l overwrite -d 'Let a directory replace a non-directory of the same name and the other way round'
complete -c berth -n "__fish_berth_using_subcommand cp" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand info" -s f -l format -d 'Output format: `json`, or a template such as `{{.Host.Kernel}}`' -r
complete -c berth -n "__fish_berth_using_subcommand info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand events" -s f -l filter -d 'Only events that match: container=, event= (or status=), image=, label=KEY[=VALUE], type=, volume=; several values of one key match any of them' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l format -d 'Output format: `json`, or a template such as `{{.ID}} {{.Status}}`' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l no-trunc -d 'Do not truncate ids (`--no-trunc=false` shortens them to 12 characters)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand events" -l since -d 'Only events since this time: RFC 3339, a date, Unix seconds, or a duration before now (10m, 1h30m)' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l until -d 'Only events until this time (the same forms as --since); with --stream, stop then' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l stream -d 'Keep printing new events as they happen (`--stream=false` prints what is logged and exits)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand version" -s f -l format -d 'Output format: `json`, or a template such as `{{.Client.Version}}`' -r
complete -c berth -n "__fish_berth_using_subcommand version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "list" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "inspect" -d 'Show volumes\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "rm" -d 'Remove volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "remove" -d 'Remove volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "prune" -d 'Remove every volume no container uses'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "exists" -d 'Exit 0 when a volume exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "export" -d 'Write a volume\'s content to a tar archive'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "import" -d 'Fill a volume from a tar archive'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "mount" -d 'Mount a volume and print its path (refused rootless: berth has no mounts to keep)'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "unmount" -d 'Unmount a volume (refused rootless, as `mount`)'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "umount" -d 'Unmount a volume (refused rootless, as `mount`)'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists export import mount unmount umount help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s l -l label -d 'Set a label: KEY=VALUE' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s o -l opt -d 'Set a driver option: KEY=VALUE (the local driver takes o=uid=N,gid=N)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s d -l driver -d 'The volume driver (only `local`)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l ignore -d 'Do not fail when the volume exists already'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: name=TEXT, label=KEY[=VALUE], dangling=true|false, driver=NAME' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only the volume names'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s n -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter: name=TEXT, label=KEY[=VALUE], dangling=true|false, driver=NAME' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the volume names'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s n -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: `json` (the default) or a template such as `{{.Mountpoint}}`' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s a -l all -d 'Inspect every volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s t -l time -d 'Accepted for podman\'s scripts: a forced removal kills the users at once' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove the containers that use the volume first (killing running ones)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove every volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s t -l time -d 'Accepted for podman\'s scripts: a forced removal kills the users at once' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s f -l force -d 'Remove the containers that use the volume first (killing running ones)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s a -l all -d 'Remove every volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l filter -d 'Only prune volumes that match: label=KEY[=VALUE], name=TEXT' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from export" -s o -l output -d 'Write the archive to this file instead of standard output' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from umount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show volumes\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove every volume no container uses'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 when a volume exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write a volume\'s content to a tar archive'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "import" -d 'Fill a volume from a tar archive'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Mount a volume and print its path (refused rootless: berth has no mounts to keep)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Unmount a volume (refused rootless, as `mount`)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand unshare" -l rootless-netns -d 'Also join the rootless network namespace of user networks (not supported by berth)'
complete -c berth -n "__fish_berth_using_subcommand unshare" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand build" -s t -l tag -d 'Name (and tag) of the built image; may be given more than once' -r
complete -c berth -n "__fish_berth_using_subcommand build" -s f -l file -d 'The Dockerfile (default: CONTEXT/Containerfile, then CONTEXT/Dockerfile); `-` reads stdin. A relative name not found here is looked up in the context; given more than once, the files are read as one, in order' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l format -d 'The image format: oci (default) or docker; also BUILDAH_FORMAT' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l ignorefile -d 'The ignore file (default: CONTEXT/.containerignore, then CONTEXT/.dockerignore)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l logfile -d 'Write the build\'s output to this file instead of the terminal' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l authfile -d 'The registry credentials file (default: auth.json\'s usual places; also REGISTRY_AUTH_FILE)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l ulimit -d 'A resource limit for RUN steps: NAME=SOFT[:HARD], as `run --ulimit`' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l security-opt -d 'Security options for RUN steps: seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l jobs -d 'How many stages may run at once (berth runs them one at a time, which every N allows)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l build-arg -d 'A build argument: KEY=VALUE, or KEY to take the value from the environment' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l target -d 'Build up to this stage (by name) and make it the image' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l pull -d 'Pull base images: missing (default), always, never' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l label -d 'A label for the image: KEY=VALUE' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l secret -d 'A secret for `RUN --mount=type=secret`: id=ID,src=FILE or id=ID,env=VAR' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l iidfile -d 'Write the image id to this file' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l network -l net -d 'Network for RUN steps: host (default), none, pasta[:OPTIONS] or slirp4netns[:OPTIONS]' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l platform -d 'Platform of the image: only the host\'s (os/arch) is supported' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l layers -d 'Cache each step\'s result and reuse it (true by default, or BUILDAH_LAYERS); false makes one new layer' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l timestamp -d 'Set every timestamp (created, history, file times in new layers) to these seconds since the epoch' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l pull-never -d 'Same as --pull=never'
complete -c berth -n "__fish_berth_using_subcommand build" -l pull-always -d 'Same as --pull=always'
complete -c berth -n "__fish_berth_using_subcommand build" -l no-cache -d 'Run every step again, ignoring the layer cache'
complete -c berth -n "__fish_berth_using_subcommand build" -s q -l quiet -d 'Print only the image id (RUN output goes to stderr)'
complete -c berth -n "__fish_berth_using_subcommand build" -l squash -d 'Squash the new layers into one (implies --layers=false)'
complete -c berth -n "__fish_berth_using_subcommand build" -l load -d 'docker buildx\'s --load: the image is stored locally, which berth always does'
complete -c berth -n "__fish_berth_using_subcommand build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -f -a "build" -d 'Build an image from a Dockerfile (same as `berth build`)'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name (and tag) of the built image; may be given more than once' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s f -l file -d 'The Dockerfile (default: CONTEXT/Containerfile, then CONTEXT/Dockerfile); `-` reads stdin. A relative name not found here is looked up in the context; given more than once, the files are read as one, in order' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l format -d 'The image format: oci (default) or docker; also BUILDAH_FORMAT' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l ignorefile -d 'The ignore file (default: CONTEXT/.containerignore, then CONTEXT/.dockerignore)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l logfile -d 'Write the build\'s output to this file instead of the terminal' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l authfile -d 'The registry credentials file (default: auth.json\'s usual places; also REGISTRY_AUTH_FILE)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l ulimit -d 'A resource limit for RUN steps: NAME=SOFT[:HARD], as `run --ulimit`' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l security-opt -d 'Security options for RUN steps: seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l jobs -d 'How many stages may run at once (berth runs them one at a time, which every N allows)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l build-arg -d 'A build argument: KEY=VALUE, or KEY to take the value from the environment' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l target -d 'Build up to this stage (by name) and make it the image' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l pull -d 'Pull base images: missing (default), always, never' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l label -d 'A label for the image: KEY=VALUE' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l secret -d 'A secret for `RUN --mount=type=secret`: id=ID,src=FILE or id=ID,env=VAR' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image id to this file' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l network -l net -d 'Network for RUN steps: host (default), none, pasta[:OPTIONS] or slirp4netns[:OPTIONS]' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l platform -d 'Platform of the image: only the host\'s (os/arch) is supported' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l layers -d 'Cache each step\'s result and reuse it (true by default, or BUILDAH_LAYERS); false makes one new layer' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l timestamp -d 'Set every timestamp (created, history, file times in new layers) to these seconds since the epoch' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l pull-never -d 'Same as --pull=never'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l pull-always -d 'Same as --pull=always'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l no-cache -d 'Run every step again, ignoring the layer cache'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image id (RUN output goes to stderr)'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l squash -d 'Squash the new layers into one (implies --layers=false)'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l load -d 'docker buildx\'s --load: the image is stored locally, which berth always does'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Dockerfile (same as `berth build`)'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -f -a "prune" -d 'Remove the build cache'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all of the cache (berth\'s cache has no age filter: the same as without)'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation (berth never asks)'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove the build cache'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "create" -d 'Create a user network (a bridge in the rootless network namespace)'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "list" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "inspect" -d 'Show networks\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "rm" -d 'Remove networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "remove" -d 'Remove networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "prune" -d 'Remove every network no container uses'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "exists" -d 'Exit 0 when a network exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune exists connect disconnect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s d -l driver -d 'The driver (only `bridge`)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l subnet -d 'A subnet in CIDR form (default: the first free 10.89.N.0/24); give it twice for an IPv4 and an IPv6 subnet' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l gateway -d 'The gateway of the subnet given in the same position (default: the subnet\'s first address)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ip-range -d 'Hand out addresses only from this range (CIDR or START-END) inside the subnet given in the same position' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l label -d 'Set a label: KEY=VALUE' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ipv6 -d 'Dual stack: add an IPv6 subnet (a free fdXX:XXXX:XXXX:XXXX::/64 unless --subnet names one)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l internal -d 'Keep the network\'s containers away from the outside world'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l disable-dns -d 'Do not answer name queries for the network\'s containers'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ignore -d 'Do not fail when the network exists already'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: name=TEXT, id=PREFIX, label=KEY[=VALUE], driver=NAME' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only the network names'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Print full network ids'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter: name=TEXT, id=PREFIX, label=KEY[=VALUE], driver=NAME' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the network names'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l no-heading -l noheading -d 'Do not print the header'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l no-trunc -d 'Print full network ids'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: `json` (the default) or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s t -l time -d 'Seconds to wait for running containers to stop before killing them (with -f)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove the containers that use the network first (stopping running ones)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -s t -l time -d 'Seconds to wait for running containers to stop before killing them (with -f)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -s f -l force -d 'Remove the containers that use the network first (stopping running ones)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l filter -d 'Only prune networks that match: label=KEY[=VALUE], name=TEXT' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l alias -d 'Another name for the container on this network (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l ip -d 'A static IPv4 address on the network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l ip6 -d 'A static IPv6 address on the network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l mac-address -d 'The MAC address of the container\'s interface on the network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s f -l force -d 'Force the container to disconnect from the network (accepted for podman compatibility; disconnecting never needs it)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a user network (a bridge in the rootless network namespace)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show networks\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove networks'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove every network no container uses'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 when a network exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -l user -d 'The systemd generator: read the user\'s quadlet directories (without it, the system\'s)'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -l dryrun -d 'Print the generated units on stdout instead of writing them'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -l no-kmsg-log -d 'Accepted for podman\'s generator (berth logs to stderr only)'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -s v -l verbose -d 'Print each file as it is read'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "install" -d 'Copy quadlet files into the user\'s quadlet directory'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "list" -d 'List the quadlet files berth reads'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "ls" -d 'List the quadlet files berth reads'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "print" -d 'Print a quadlet file'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "rm" -d 'Remove quadlet files'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "remove" -d 'Remove quadlet files'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and not __fish_seen_subcommand_from install list ls print rm remove help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from install" -l reload-systemd -d 'Run `systemctl --user daemon-reload` afterwards' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from install" -l replace -d 'Overwrite files that are installed already'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from list" -l format -d 'A Go template such as `{{.Name}}`, or json' -r
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from ls" -l format -d 'A Go template such as `{{.Name}}`, or json' -r
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from print" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from rm" -l reload-systemd -d 'Run `systemctl --user daemon-reload` afterwards' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from rm" -s a -l all -d 'Remove every quadlet file of the user\'s quadlet directory'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from rm" -s f -l force -d 'Stop the units of running quadlets first'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Succeed when a quadlet does not exist'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from remove" -l reload-systemd -d 'Run `systemctl --user daemon-reload` afterwards' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from remove" -s a -l all -d 'Remove every quadlet file of the user\'s quadlet directory'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from remove" -s f -l force -d 'Stop the units of running quadlets first'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from remove" -s i -l ignore -d 'Succeed when a quadlet does not exist'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from help" -f -a "install" -d 'Copy quadlet files into the user\'s quadlet directory'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the quadlet files berth reads'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from help" -f -a "print" -d 'Print a quadlet file'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove quadlet files'
complete -c berth -n "__fish_berth_using_subcommand quadlet; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd kube help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd kube help" -f -a "systemd" -d 'Generate a systemd unit for a container'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd kube help" -f -a "kube" -d 'Write Kubernetes YAML for containers or pods (podman 4\'s spelling of `kube generate`)'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd kube help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l restart-policy -d 'The unit\'s Restart= policy: no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l restart-sec -d 'The unit\'s RestartSec= in seconds' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s t -l time -l stop-timeout -d 'Stop timeout in seconds (default: the container\'s, else 10)' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l start-timeout -d 'The unit\'s TimeoutStartSec= in seconds' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l container-prefix -d 'The unit name\'s prefix' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l separator -d 'Between the prefix and the name' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l wants -d 'Add Wants= to [Unit]' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l after -d 'Add After= to [Unit]' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l requires -d 'Add Requires= to [Unit]' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l format -d 'Print the units as JSON (unit name -> text)' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l new -d 'Create a new container at each start, and remove it at stop'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s n -l name -d 'Use the container\'s name instead of its id in the unit'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s f -l files -d 'Write the unit into the current directory and print its path'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l no-header -d 'Leave out the header with the version and date'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from kube" -s f -l filename -d 'Write the YAML to this file instead of stdout' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from kube" -s s -l service -d 'Also write a Service for the published ports'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from kube" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "systemd" -d 'Generate a systemd unit for a container'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "kube" -d 'Write Kubernetes YAML for containers or pods (podman 4\'s spelling of `kube generate`)'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand auto-update" -l format -d 'Output format: json, or a Go template such as `{{.Unit}} {{.Updated}}`' -r
complete -c berth -n "__fish_berth_using_subcommand auto-update" -l rollback -d 'Go back to the previous image when the unit fails to restart on the new one' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand auto-update" -l tls-verify -d 'Verify the registry\'s TLS certificate' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand auto-update" -l authfile -d 'The auth file for registries' -r -F
complete -c berth -n "__fish_berth_using_subcommand auto-update" -l dry-run -d 'Only report which containers would be updated'
complete -c berth -n "__fish_berth_using_subcommand auto-update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -s f -l file -d 'Compose file (repeat to merge several, in order; default: compose.yaml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -s p -l project-name -d 'Project name (default: the `name:` key, or the project directory\'s name)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -l project-directory -d 'Project directory (default: the first compose file\'s directory)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -l profile -d 'Enable services of a profile (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -l env-file -d 'File of variables for interpolation (default: .env in the project directory)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "up" -d 'Create and start the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "down" -d 'Stop and remove the containers and networks (and with -v, the volumes)'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "ps" -d 'List the project\'s containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "logs" -d 'Show the services\' output'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "exec" -d 'Run a command in a running service container'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "run" -d 'Run a one-off command in a new container of a service'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "build" -d 'Build the services that have a `build:` section'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "pull" -d 'Pull the services\' images'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "push" -d 'Push the services\' images'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "start" -d 'Start existing containers of the services'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "stop" -d 'Stop the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "restart" -d 'Restart the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "kill" -d 'Send a signal to the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "rm" -d 'Remove stopped service containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "pause" -d 'Pause the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "unpause" -d 'Unpause the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "config" -d 'Show the resolved model (interpolated, merged, normalised)'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "top" -d 'Show the processes of the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "port" -d 'Show the public port of a service\'s port'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "images" -d 'List the images the project\'s containers use'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "ls" -d 'List compose projects'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from up down ps logs exec run build pull push start stop restart kill rm pause unpause config top port images ls version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l wait-timeout -d 'Maximum seconds to wait with --wait' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l exit-code-from -d 'Exit with the status of this service\'s container (implies --abort-on-container-exit)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l scale -d 'Scale a service to NUM containers (SERVICE=NUM, repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s t -l timeout -d 'Seconds to wait for a container to stop (on abort or recreate)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s d -l detach -d 'Detached mode: start the containers and exit'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l build -d 'Build images before starting containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-build -d 'Do not build an image, even when it is missing'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l force-recreate -d 'Recreate containers even if their configuration has not changed'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-recreate -d 'Keep existing containers even if their configuration changed'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-deps -d 'Do not start the services the named ones depend on'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l remove-orphans -d 'Remove containers of services not in the compose file'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l wait -d 'Wait for services to be running (and healthy, with a healthcheck); implies -d'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l abort-on-container-exit -d 'Stop all containers if any container stops (attached mode)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l quiet-pull -d 'Do not print the `[+]` progress lines'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-color -d 'Produce monochrome output (berth never colours it)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-log-prefix -d 'Do not prefix attached output with the service name'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l rmi -d 'Remove images: `all` (every service\'s), or `local` (those without an image: key)' -r -f -a "all\t''
local\t''"
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s t -l timeout -d 'Seconds to wait for a container to stop' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s v -l volumes -d 'Remove named volumes declared in the file, and anonymous ones'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l remove-orphans -d 'Remove containers of services not in the compose file'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l format -d '`table`, `json`, or a Go template such as `{{.Name}} {{.Service}}`' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l status -d 'Only containers with this status (running, exited, created…)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show stopped containers too'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only the ids'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l services -d 'List the services instead'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s n -l tail -d 'Number of lines from the end of each container\'s log' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow the output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l no-color -d 'Produce monochrome output (berth never colours it)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l no-log-prefix -d 'Do not prefix lines with the container name'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set an environment variable (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s u -l user -d 'Run as this user' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Working directory in the container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l index -d 'Which replica (default 1)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Run the command in the background'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s T -l no-TTY -d 'Do not allocate a tty (the default when stdin is not a terminal)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l privileged -d 'Give the process extended privileges'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l name -d 'Container name (default: <project>-<service>-run-<id>)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s e -l env -d 'Set an environment variable (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s l -l label -d 'Add a label (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s u -l user -d 'Run as this user' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory in the container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l entrypoint -d 'Override the entrypoint' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish a port (as `berth run -p`)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s v -l volume -d 'Bind-mount a volume (as `berth run -v`)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run in the background and print the container id'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l rm -d 'Remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s T -l no-TTY -d 'Do not allocate a tty (the default when stdin is not a terminal)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l no-deps -d 'Do not start the services it depends on'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l service-ports -d 'Publish the service\'s own ports'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l build -d 'Build the image first'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use the build cache'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l pull -d 'Always pull newer versions of the base images'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image ids'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l ignore-pull-failures -d 'Go on when an image fails to pull'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Pull without progress output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -s t -l timeout -d 'Seconds to wait for a container to stop' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -s t -l timeout -d 'Seconds to wait for a container to stop' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -s s -l signal -d 'The signal to send' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s f -l force -d 'Do not ask for confirmation (berth never asks)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s s -l stop -d 'Stop the containers first'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove the containers\' anonymous volumes'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l format -d '`yaml` or `json`' -r -f -a "yaml\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l services -d 'Print the service names, one a line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l volumes -d 'Print the volume names, one a line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l networks -d 'Print the network names, one a line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l images -d 'Print the image names, one a line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l profiles -d 'Print the profile names, one a line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s q -l quiet -d 'Only check the files; print nothing'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l index -d 'Which replica (default 1)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l protocol -d 'tcp or udp' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -s q -l quiet -d 'Only the image ids'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -l format -d '`table` or `json`' -r -f -a "table\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show stopped projects too'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only the project names'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l format -d '`pretty` or `json`' -r -f -a "pretty\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l short -d 'Only the version number'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "up" -d 'Create and start the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "down" -d 'Stop and remove the containers and networks (and with -v, the volumes)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "ps" -d 'List the project\'s containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Show the services\' output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Run a command in a running service container'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a one-off command in a new container of a service'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build the services that have a `build:` section'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Pull the services\' images'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "push" -d 'Push the services\' images'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start existing containers of the services'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Send a signal to the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove stopped service containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "unpause" -d 'Unpause the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "config" -d 'Show the resolved model (interpolated, merged, normalised)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "top" -d 'Show the processes of the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "port" -d 'Show the public port of a service\'s port'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "images" -d 'List the images the project\'s containers use'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List compose projects'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "create" -d 'Create a pod: an infra container holding namespaces its members share'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "ps" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "ls" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "list" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "inspect" -d 'Show pods\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "start" -d 'Start pods (the infra first, then every member)'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "stop" -d 'Stop pods (every member, then the infra)'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "restart" -d 'Restart pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "kill" -d 'Send a signal to the running containers of pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "pause" -d 'Pause pods: freeze their containers (the cgroup freezer)'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "unpause" -d 'Unpause pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "rm" -d 'Remove pods and their containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "prune" -d 'Remove every stopped pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "top" -d 'Show the processes of a pod\'s running containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "stats" -d 'Show resource use of pods (not supported yet: `berth stats` shows each container)'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "exists" -d 'Exit 0 when a pod exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "logs" -d 'Show the logs of a pod\'s containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect start stop restart kill pause unpause rm prune top stats exists logs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s n -l name -d 'The pod\'s name (generated when omitted)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s p -l publish -d 'Publish a port of the pod: [[IP:]HOSTPORT:]PORT[/PROTOCOL]' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l network -d 'The pod\'s network mode (as `run --network`)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l share -d 'Namespaces the members share with the infra: net, ipc, uts (the default: all three)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l infra -d 'Create an infra container (the default); --infra=false shares no namespaces' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l infra-command -d 'The infra container\'s command (with --infra-image)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l infra-image -d 'An image for the infra container (default: berth\'s own pause, no image pull)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l infra-name -d 'The infra container\'s name (default: the first 12 digits of the pod id, then -infra)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l hostname -d 'The members\' hostname (default: the pod\'s name)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s l -l label -d 'Set a label: KEY=VALUE' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s v -l volume -d 'A volume for the infra container (as `run -v`)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l add-host -d 'Add a line to the pod\'s /etc/hosts: HOST:IP' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l dns -d 'A DNS server for the pod' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l dns-search -d 'A DNS search domain for the pod' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l dns-option -d 'A DNS option for the pod' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l userns -d 'The pod\'s user namespace (as `run --userns`)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l exit-policy -d 'What happens when the last member exits: continue (the default) or stop' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l pod-id-file -d 'Write the pod\'s id to this file' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l replace -d 'Remove an existing pod of the same name first'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s f -l filter -d 'Filter: id, name, label, status, ctr-names, ctr-ids, ctr-status, ctr-number' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l sort -d 'Sort by: created (the default), id, name, number, status' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Print only the pod ids'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Do not truncate ids'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l ctr-names -d 'Show the names of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l ctr-ids -d 'Show the ids of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l ctr-status -d 'Show the statuses of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s l -l latest -d 'Show the newest pod only'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l noheading -d 'Do not print the heading'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter: id, name, label, status, ctr-names, ctr-ids, ctr-status, ctr-number' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l sort -d 'Sort by: created (the default), id, name, number, status' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only the pod ids'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate ids'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l ctr-names -d 'Show the names of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l ctr-ids -d 'Show the ids of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l ctr-status -d 'Show the statuses of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the newest pod only'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l noheading -d 'Do not print the heading'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter: id, name, label, status, ctr-names, ctr-ids, ctr-status, ctr-number' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l format -d 'Output format: `json`, `table`, or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l sort -d 'Sort by: created (the default), id, name, number, status' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only the pod ids'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l no-trunc -d 'Do not truncate ids'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l ctr-names -d 'Show the names of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l ctr-ids -d 'Show the ids of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l ctr-status -d 'Show the statuses of the containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s l -l latest -d 'Show the newest pod only'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l noheading -d 'Do not print the heading'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format: `json` or a template such as `{{.Name}}`' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s t -l time -l timeout -d 'Seconds to wait before killing the containers' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s i -l ignore -d 'Do not fail on a pod that does not exist'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s s -l signal -d 'The signal to send (default KILL)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s t -l time -d 'Seconds to wait before killing running containers (with --force)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -l pod-id-file -d 'Read pod ids from these files' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s f -l force -d 'Stop running containers first'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Do not fail on a pod that does not exist'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stats" -s a -l all -d 'Every pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stats" -s l -l latest -d 'The newest pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s c -l container -d 'Only this member\'s logs' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l tail -d 'Only the last N lines of each container' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l names -d 'Prefix each line with its container\'s name'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Prefix each line with its time'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a pod: an infra container holding namespaces its members share'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "ps" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show pods\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start pods (the infra first, then every member)'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop pods (every member, then the infra)'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Send a signal to the running containers of pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause pods: freeze their containers (the cgroup freezer)'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "unpause" -d 'Unpause pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove pods and their containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove every stopped pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "top" -d 'Show the processes of a pod\'s running containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Show resource use of pods (not supported yet: `berth stats` shows each container)'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "exists" -d 'Exit 0 when a pod exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Show the logs of a pod\'s containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand kube; and not __fish_seen_subcommand_from play down generate help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kube; and not __fish_seen_subcommand_from play down generate help" -f -a "play" -d 'Create pods, containers and volumes from Kubernetes YAML'
complete -c berth -n "__fish_berth_using_subcommand kube; and not __fish_seen_subcommand_from play down generate help" -f -a "down" -d 'Remove the pods (and the volumes they owned) that `kube play` made from a file'
complete -c berth -n "__fish_berth_using_subcommand kube; and not __fish_seen_subcommand_from play down generate help" -f -a "generate" -d 'Write Kubernetes YAML for containers or pods'
complete -c berth -n "__fish_berth_using_subcommand kube; and not __fish_seen_subcommand_from play down generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l network -d 'The network mode of every pod (as `pod create --network`)' -r
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l publish -d 'Set or override a published port of every pod: [IP:]HOSTPORT:CONTAINERPORT[/PROTOCOL]' -r
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l configmap -d 'YAML files with ConfigMaps (and Secrets) the pods use' -r -F
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l start -d 'Start the pods (the default); --start=false only creates them' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l annotation -d 'Add an annotation to every container: KEY=VALUE (the value at most 63 characters)' -r
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l log-driver -d 'Log driver of every container (as `run --log-driver`)' -r
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l build -d 'Build images from directories named after them (not supported yet)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l replace -d 'Remove what the file makes first, if it exists'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -l down -d 'Remove what the file made instead (as `kube down`)'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from play" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from generate" -s f -l filename -d 'Write the YAML to this file instead of stdout' -r -F
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from generate" -s s -l service -d 'Also write a Service for the published ports'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from help" -f -a "play" -d 'Create pods, containers and volumes from Kubernetes YAML'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from help" -f -a "down" -d 'Remove the pods (and the volumes they owned) that `kube play` made from a file'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Write Kubernetes YAML for containers or pods'
complete -c berth -n "__fish_berth_using_subcommand kube; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand play; and not __fish_seen_subcommand_from kube help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand play; and not __fish_seen_subcommand_from kube help" -f -a "kube" -d 'Create pods, containers and volumes from Kubernetes YAML (as `kube play`)'
complete -c berth -n "__fish_berth_using_subcommand play; and not __fish_seen_subcommand_from kube help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l network -d 'The network mode of every pod (as `pod create --network`)' -r
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l publish -d 'Set or override a published port of every pod: [IP:]HOSTPORT:CONTAINERPORT[/PROTOCOL]' -r
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l configmap -d 'YAML files with ConfigMaps (and Secrets) the pods use' -r -F
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l start -d 'Start the pods (the default); --start=false only creates them' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l annotation -d 'Add an annotation to every container: KEY=VALUE (the value at most 63 characters)' -r
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l log-driver -d 'Log driver of every container (as `run --log-driver`)' -r
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l build -d 'Build images from directories named after them (not supported yet)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l replace -d 'Remove what the file makes first, if it exists'
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -l down -d 'Remove what the file made instead (as `kube down`)'
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -s q -l quiet -d 'Print nothing but errors'
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from kube" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from help" -f -a "kube" -d 'Create pods, containers and volumes from Kubernetes YAML (as `kube play`)'
complete -c berth -n "__fish_berth_using_subcommand play; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand stats" -s i -l interval -d 'Seconds between readings' -r
complete -c berth -n "__fish_berth_using_subcommand stats" -l format -d 'Output: table, json, or a Go template (fields CPUPerc, MemUsage, MemPerc, NetIO, BlockIO, PIDs, Name, ID)' -r
complete -c berth -n "__fish_berth_using_subcommand stats" -s a -l all -d 'Show all containers (default: the running ones)'
complete -c berth -n "__fish_berth_using_subcommand stats" -l no-stream -d 'Print one reading and exit'
complete -c berth -n "__fish_berth_using_subcommand stats" -l no-reset -d 'Do not clear the screen between readings'
complete -c berth -n "__fish_berth_using_subcommand stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand update" -s m -l memory -d 'Memory limit (e.g. 512m): the cgroup\'s memory.max' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-swap -d 'Memory plus swap limit (-1: unlimited swap)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-reservation -d 'Memory soft limit: the cgroup\'s memory.low' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-swappiness -d 'Swappiness 0-100 (refused: cgroup v2 has none per cgroup)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpus -d 'Number of CPUs (e.g. 1.5): a quota of the CPU period' -r
complete -c berth -n "__fish_berth_using_subcommand update" -s c -l cpu-shares -d 'CPU shares (relative weight, 2-262144): the cgroup\'s cpu.weight' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpu-quota -d 'CPU CFS quota, microseconds per period' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpu-period -d 'CPU CFS period, microseconds' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpuset-cpus -d 'CPUs the container may run on (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpuset-mems -d 'Memory nodes the container may use (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l pids-limit -d 'Process limit (0 or -1: none): the cgroup\'s pids.max' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l blkio-weight -d 'Block IO weight, 10-1000: the cgroup\'s io.weight' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l device-read-bps -d 'Limit reads from a device (DEVICE:RATE, e.g. /dev/sda:1mb)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l device-write-bps -d 'Limit writes to a device (DEVICE:RATE)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l device-read-iops -d 'Limit read operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l device-write-iops -d 'Limit write operations per second on a device (DEVICE:N)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "create" -d 'Create a container without starting it'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "start" -d 'Start one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "stop" -d 'Stop one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "kill" -d 'Send a signal to one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "wait" -d 'Wait for containers to exit and print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "logs" -d 'Show a container\'s logs'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "attach" -d 'Attach to a detached container\'s output and input'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "healthcheck" -d 'Run a container\'s healthcheck'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "pause" -d 'Pause the processes of containers (the cgroup v2 freezer)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "unpause" -d 'Unpause paused containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "pull" -d 'Pull an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "push" -d 'Push an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "login" -d 'Log in to a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "logout" -d 'Log out of a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "tag" -d 'Add names to an image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "untag" -d 'Remove names from an image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "save" -d 'Save images to an archive'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "load" -d 'Load images from an archive'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "history" -d 'Show an image\'s history'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "image" -d 'Manage images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "system" -d 'Check and repair the store'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "images" -d 'List images in the local store'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "exec" -d 'Run a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "top" -d 'Show the processes of a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "inspect" -d 'Show the configuration and state of containers and images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "port" -d 'List a container\'s published ports'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "container" -d 'Manage containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "diff" -d 'Show the files a container changed, added or deleted'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "export" -d 'Write a container\'s filesystem as a tarball'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "commit" -d 'Create an image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "info" -d 'Report what berth depends on, each with ok or a fix'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "events" -d 'Show the event log: containers, images and volumes, as they change'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "volume" -d 'Manage named volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "unshare" -d 'Run a command in berth\'s user namespace, where the container ids are mapped'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "build" -d 'Build an image from a Dockerfile (Containerfile) and a context directory'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "buildx" -d 'Docker\'s buildx: `buildx build` is `build`'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "builder" -d 'Manage the build cache'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "network" -d 'Manage user networks'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "quadlet" -d 'Turn quadlet files into systemd units (the generator), and manage quadlet files'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "generate" -d 'Generate systemd units or Kubernetes YAML for containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "auto-update" -d 'Update containers labelled io.containers.autoupdate and restart their systemd units'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "compose" -d 'Run multi-container applications from a Compose file'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "pod" -d 'Manage pods: containers sharing network, IPC and UTS namespaces'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "kube" -d 'Play Kubernetes YAML as pods, and write it for pods and containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "play" -d 'Play Kubernetes YAML (podman 4\'s `play kube`, the same as `kube play`)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "stats" -d 'Show containers\' resource usage (CPU, memory, network, block IO, processes)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "update" -d 'Change the resource limits of a container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop kill restart wait logs attach healthcheck pause unpause import pull push login logout tag untag save load history image system images rmi ps rm exec top inspect rename port container diff export commit cp info events version volume unshare build buildx builder network quadlet generate auto-update compose pod kube play stats update help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from healthcheck" -f -a "run" -d 'Run a container\'s healthcheck now'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "ls" -d 'List images in the local store'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "pull" -d 'Pull an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "push" -d 'Push an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "tag" -d 'Add names to an image'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "untag" -d 'Remove names from an image'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "history" -d 'Show an image\'s history'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "save" -d 'Save images to an archive'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "load" -d 'Load images from an archive'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "build" -d 'Build an image from a Dockerfile (same as `berth build`)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "inspect" -d 'Show images\' configuration as JSON'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "exists" -d 'Exit 0 when the image is in the store, 1 when it is not'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "check" -d 'Find (and with --repair remove) half-written blobs, layers and index entries'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "prune" -d 'Remove stopped containers, dangling images and the build cache'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "events" -d 'Show the event log (as `berth events`)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "df" -d 'Show the space images, containers and volumes use'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "inspect" -d 'Show the configuration and state of containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "prune" -d 'Remove all containers that are not running'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "exists" -d 'Exit 0 when a container exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "diff" -d 'Show the files a container changed, added or deleted'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "export" -d 'Write a container\'s filesystem as a tarball'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "commit" -d 'Create an image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "cp" -d 'Copy files between a container and the host'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "stop" -d 'Stop running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "kill" -d 'Send a signal to running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "wait" -d 'Wait for containers to reach a condition (default: exited) and print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "logs" -d 'Show a container\'s log'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "pause" -d 'Pause containers (cgroup freezer)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "unpause" -d 'Unpause paused containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "stats" -d 'Show containers\' resource use'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "update" -d 'Change a container\'s resource limits'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "top" -d 'Show the processes of a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "port" -d 'List a container\'s published ports'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "inspect" -d 'Show volumes\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "rm" -d 'Remove volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "prune" -d 'Remove every volume no container uses'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "exists" -d 'Exit 0 when a volume exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "export" -d 'Write a volume\'s content to a tar archive'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "import" -d 'Fill a volume from a tar archive'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "mount" -d 'Mount a volume and print its path (refused rootless: berth has no mounts to keep)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "unmount" -d 'Unmount a volume (refused rootless, as `mount`)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from buildx" -f -a "build" -d 'Build an image from a Dockerfile (same as `berth build`)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from builder" -f -a "prune" -d 'Remove the build cache'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "create" -d 'Create a user network (a bridge in the rootless network namespace)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "inspect" -d 'Show networks\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "rm" -d 'Remove networks'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "prune" -d 'Remove every network no container uses'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "exists" -d 'Exit 0 when a network exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from quadlet" -f -a "install" -d 'Copy quadlet files into the user\'s quadlet directory'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from quadlet" -f -a "list" -d 'List the quadlet files berth reads'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from quadlet" -f -a "print" -d 'Print a quadlet file'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from quadlet" -f -a "rm" -d 'Remove quadlet files'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "systemd" -d 'Generate a systemd unit for a container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "kube" -d 'Write Kubernetes YAML for containers or pods (podman 4\'s spelling of `kube generate`)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "up" -d 'Create and start the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "down" -d 'Stop and remove the containers and networks (and with -v, the volumes)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "ps" -d 'List the project\'s containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "logs" -d 'Show the services\' output'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "exec" -d 'Run a command in a running service container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "run" -d 'Run a one-off command in a new container of a service'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "build" -d 'Build the services that have a `build:` section'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "pull" -d 'Pull the services\' images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "push" -d 'Push the services\' images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "start" -d 'Start existing containers of the services'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "stop" -d 'Stop the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "restart" -d 'Restart the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "kill" -d 'Send a signal to the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "rm" -d 'Remove stopped service containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "pause" -d 'Pause the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "unpause" -d 'Unpause the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "config" -d 'Show the resolved model (interpolated, merged, normalised)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "top" -d 'Show the processes of the services\' containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "port" -d 'Show the public port of a service\'s port'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "images" -d 'List the images the project\'s containers use'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "ls" -d 'List compose projects'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "create" -d 'Create a pod: an infra container holding namespaces its members share'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "ps" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "inspect" -d 'Show pods\' details as JSON'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "start" -d 'Start pods (the infra first, then every member)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "stop" -d 'Stop pods (every member, then the infra)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "restart" -d 'Restart pods'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "kill" -d 'Send a signal to the running containers of pods'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "pause" -d 'Pause pods: freeze their containers (the cgroup freezer)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "unpause" -d 'Unpause pods'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "rm" -d 'Remove pods and their containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "prune" -d 'Remove every stopped pod'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "top" -d 'Show the processes of a pod\'s running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "stats" -d 'Show resource use of pods (not supported yet: `berth stats` shows each container)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "exists" -d 'Exit 0 when a pod exists, 1 when it does not'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from pod" -f -a "logs" -d 'Show the logs of a pod\'s containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from kube" -f -a "play" -d 'Create pods, containers and volumes from Kubernetes YAML'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from kube" -f -a "down" -d 'Remove the pods (and the volumes they owned) that `kube play` made from a file'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from kube" -f -a "generate" -d 'Write Kubernetes YAML for containers or pods'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from play" -f -a "kube" -d 'Create pods, containers and volumes from Kubernetes YAML (as `kube play`)'
