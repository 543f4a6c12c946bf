# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_berth_global_optspecs
    string join \n h/help V/version
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

complete -c berth -n "__fish_berth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_needs_command" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_needs_command" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_needs_command" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_needs_command" -f -a "images" -d 'List images in the local store'
complete -c berth -n "__fish_berth_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_needs_command" -f -a "info" -d 'Report what berth depends on, each with ok or a fix'
complete -c berth -n "__fish_berth_needs_command" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand run" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand images" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand info" -s f -l format -d 'Output format: `json`, or a template such as `{{.Host.Kernel}}`' -r
complete -c berth -n "__fish_berth_using_subcommand info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand version" -s f -l format -d 'Output format: `json`, or a template such as `{{.Client.Version}}`' -r
complete -c berth -n "__fish_berth_using_subcommand version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "run" -d 'Run a command in a new container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "import" -d 'Import a rootfs tarball as a one-layer image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "images" -d 'List images in the local store'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "info" -d 'Report what berth depends on, each with ok or a fix'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "version" -d 'Show the version'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run import images rmi info version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
