# fish completion for netnsctl(8)

set -l __netnsctl_commands list identify resolve pids path show edit set rm prune status resolvconf nsswitch help
set -l __netnsctl_ns_commands pids path show edit rm set

# The names in the netns directory (-n/--netns-dir on the line, or /run/netns)
function __netnsctl_names
    set -l dir /run/netns
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case -n --netns-dir
                set -l j (math $i + 1)
                set -q tokens[$j]; and set dir $tokens[$j]
            case '--netns-dir=*'
                set dir (string replace -- '--netns-dir=' '' $tokens[$i])
        end
    end
    for f in $dir/*
        basename -- $f
    end
end

# How many arguments follow the command, not counting the word being typed
function __netnsctl_argc
    set -l tokens (commandline -opc)
    set -l seen 0
    set -l n 0
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip = 1
            set skip 0
        else if test $seen = 1
            set n (math $n + 1)
        else
            switch $t
                case -m --mount -b --backing-dir -d --default-file -e --extension -l --layout -n --netns-dir
                    set skip 1
                case '-*'
                case '*'
                    set seen 1
            end
        end
    end
    echo $n
end

function __netnsctl_want_ns
    __fish_seen_subcommand_from pids path show edit rm set; and test (__netnsctl_argc) = 0
end

function __netnsctl_want_pid
    set -l tokens (commandline -opc)
    test "$tokens[-1]" = pid; and __fish_seen_subcommand_from pids path show edit rm set
end

complete -c netnsctl -f
complete -c netnsctl -s j -l json -d 'print JSON'
complete -c netnsctl -s p -l pretty -d 'indent the JSON'
complete -c netnsctl -s V -l version -d 'print the version'
complete -c netnsctl -s h -l help -d 'print the help'
complete -c netnsctl -s m -l mount -r -F -d 'the resolvconffs mount to use'
complete -c netnsctl -s b -l backing-dir -r -a '(__fish_complete_directories)' -d 'backing directory'
complete -c netnsctl -s d -l default-file -r -F -d 'default file'
complete -c netnsctl -s e -l extension -x -d 'file name extension'
complete -c netnsctl -s l -l layout -x -a 'flat dir' -d 'backing file layout'
complete -c netnsctl -s n -l netns-dir -r -a '(__fish_complete_directories)' -d 'directory of namespace names'

complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a list -d 'every network namespace and the file it sees'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a identify -d "the name of PID's namespace"
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a resolve -d 'the inode of the named namespace'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a pids -d 'the processes in the namespace'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a path -d 'the backing file served to the namespace'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a show -d 'its file, NSID, interfaces and addresses'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a edit -d 'edit its file'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a set -d 'replace lines of its file'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a rm -d 'remove its own file'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a prune -d 'remove files of anonymous namespaces gone'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a status -d 'mounts, settings, DNS manager, warnings'
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a resolvconf -d "openresolv's state directory for this namespace"
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a nsswitch -d "the host's nsswitch.conf as namespaces need it"
complete -c netnsctl -n "not __fish_seen_subcommand_from $__netnsctl_commands" -a help -d 'list the commands'

complete -c netnsctl -n __netnsctl_want_ns -a '(__netnsctl_names)' -d 'network namespace'
complete -c netnsctl -n __netnsctl_want_ns -a 'pid help'
complete -c netnsctl -n __netnsctl_want_pid -a '(__fish_complete_pids)'
complete -c netnsctl -n '__fish_seen_subcommand_from resolve; and test (__netnsctl_argc) = 0' -a '(__netnsctl_names)' -d 'network namespace'
complete -c netnsctl -n '__fish_seen_subcommand_from identify; and test (__netnsctl_argc) = 0' -a '(__fish_complete_pids)'
complete -c netnsctl -n '__fish_seen_subcommand_from prune; and test (__netnsctl_argc) = 0' -a '--dry-run help'
complete -c netnsctl -n '__fish_seen_subcommand_from set; and test (__netnsctl_argc) -ge 1; and not __netnsctl_want_pid' -a 'nameserver search options'
