# fish completion for mount.resolvconffs(8), also installed as
# mount.fuse.resolvconffs.fish: the helper under the name mount(8) runs
# for type fuse.resolvconffs

set -l __mount_resolvconffs_o_keys extension= default= procfs= netns_dir= layout=flat layout=dir host= map_host threads= verbose ro rw nosuid nodev noexec noatime max_read= fsname= debug clone_fd no_bpf defaults noauto nofail _netdev

for __mount_resolvconffs_cmd in mount.resolvconffs mount.fuse.resolvconffs
	complete -c $__mount_resolvconffs_cmd -s o -x -a "(__fish_append , $__mount_resolvconffs_o_keys)" -d 'options'
	complete -c $__mount_resolvconffs_cmd -s N -x -a '(__fish_complete_pids)' -d 'mount namespace'
	complete -c $__mount_resolvconffs_cmd -s t -x -a 'resolvconffs fuse.resolvconffs' -d 'file system type'
	complete -c $__mount_resolvconffs_cmd -s f -d 'fake: mount nothing'
	complete -c $__mount_resolvconffs_cmd -s v -d "print the daemon's command line"
	complete -c $__mount_resolvconffs_cmd -s s -d 'sloppy: no effect'
	complete -c $__mount_resolvconffs_cmd -s n -d 'no mtab: no effect'
	complete -c $__mount_resolvconffs_cmd -s h -l help -d 'print the help'
	complete -c $__mount_resolvconffs_cmd -s V -l version -d 'print the version'
end
