// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keeper's own arguments, passed beside its command line (which
 * stays the daemon's): see RCFS_KEEPER_ENV in keeper.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keeper.h"

int rcfs_keeper_args_write(char *const *argv)
{
	int fd = memfd_create("resolvconffs-keeper", 0);

	if (fd < 0)
		return -errno;
	for (; *argv; argv++)
		if (write(fd, *argv, strlen(*argv) + 1) < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
	return fd;
}

int rcfs_keeper_args_read(char ***ret_argv)
{
	const char *env = getenv(RCFS_KEEPER_ENV);
	char *text, **argv;
	struct stat st;
	int fd, n = 0, r = -EINVAL;

	if (!env)
		return -ENOENT;
	fd = atoi(env);
	unsetenv(RCFS_KEEPER_ENV);
	if (fd < 3 || fstat(fd, &st) < 0 || st.st_size > 1 << 20)
		goto out;
	text = malloc((size_t)st.st_size + 1);
	r = -ENOMEM;
	if (!text)
		goto out;
	r = -EIO;
	if (pread(fd, text, (size_t)st.st_size, 0) != st.st_size) {
		free(text);
		goto out;
	}
	text[st.st_size] = '\0';
	for (off_t i = 0; i < st.st_size; i++)
		n += text[i] == '\0';
	argv = calloc((size_t)n + 1, sizeof(*argv));
	r = -ENOMEM;
	if (!argv) {
		free(text);
		goto out;
	}
	for (int i = 0; i < n; i++, text += strlen(text) + 1)
		argv[i] = text;
	*ret_argv = argv;
	r = n;
out:
	close(fd);
	return r;
}
