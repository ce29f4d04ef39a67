# fish completion for resolvconffs(8)

set -l __resolvconffs_o_keys extension= default= procfs= netns_dir= layout=flat layout=dir host= map_host detach foreground threads= verbose ro rw nosuid nodev noexec noatime max_read= fsname= debug clone_fd no_bpf

complete -c resolvconffs -s p -l extension -x -d 'extension of backing files'
complete -c resolvconffs -s d -l default-file -r -F -d 'shown to namespaces with no file of their own'
complete -c resolvconffs -s P -l procfs -r -a '(__fish_complete_directories)' -d 'where procfs is mounted'
complete -c resolvconffs -s n -l netns-dir -r -a '(__fish_complete_directories)' -d 'named namespaces'
complete -c resolvconffs -s l -l layout -x -a 'flat dir' -d 'backing file layout'
complete -c resolvconffs -s H -l host-file -r -F -d 'what the host namespace sees'
complete -c resolvconffs -l map-host -d 'map the host namespace like any other'
complete -c resolvconffs -s o -l fuse-opt -x -a "(__fish_append , $__resolvconffs_o_keys)" -d 'comma-separated options'
complete -c resolvconffs -s D -l detach -d 'run in the background once mounted'
complete -c resolvconffs -s f -l foreground -d 'stay in the foreground'
complete -c resolvconffs -s t -l threads -x -d 'at most N worker threads'
complete -c resolvconffs -l no-bpf -d "read callers' /proc links, not the BPF tap"
complete -c resolvconffs -s v -l verbose -d "log every request's mapping"
complete -c resolvconffs -s V -l version -d 'print the version'
complete -c resolvconffs -s h -l help -d 'print the help'

