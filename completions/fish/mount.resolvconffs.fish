# fish completion for mount.resolvconffs(8)

set -l __mount_resolvconffs_o_keys extension= default= procfs= netns_dir= layout=flat layout=dir host= map_host threads= verbose ro rw nosuid nodev noexec noatime max_read= fsname= debug clone_fd no_bpf defaults noauto nofail _netdev

complete -c mount.resolvconffs -s o -x -a "(__fish_append , $__mount_resolvconffs_o_keys)" -d 'options'
complete -c mount.resolvconffs -s N -x -a '(__fish_complete_pids)' -d 'mount namespace'
complete -c mount.resolvconffs -s t -x -a 'resolvconffs fuse.resolvconffs' -d 'file system type'
complete -c mount.resolvconffs -s f -d 'fake: mount nothing'
complete -c mount.resolvconffs -s v -d "print the daemon's command line"
complete -c mount.resolvconffs -s s -d 'sloppy: no effect'
complete -c mount.resolvconffs -s n -d 'no mtab: no effect'
complete -c mount.resolvconffs -s h -l help -d 'print the help'
complete -c mount.resolvconffs -s V -l version -d 'print the version'
