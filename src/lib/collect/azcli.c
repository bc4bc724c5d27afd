/* SPDX-License-Identifier: MIT */
/*
 * Tokens from the Azure CLI: `az account get-access-token --resource R
 * --output json`, once per audience.  The CLI follows `az cloud set`, so
 * the audience passed is the one of overvisor's endpoint set.  Its stdout
 * holds the token and is never logged; only the first line of its stderr
 * makes it into an error, after redaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/buf.h"

extern char **environ;

/* True when an "az" executable is on PATH. */
bool
ov_collect__az_available(void)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[4096];
	struct stat st;

	for (p = path; p != NULL && *p != '\0'; p = *end != '\0' ? end + 1 :
	    end) {
		end = p + strcspn(p, ":");
		if (end == p)
			continue;
		snprintf(buf, sizeof(buf), "%.*s/az", (int)(end - p), p);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

/* Run az; see collect_int.h. */
int
ov_collect__az_token(const char *resource, const char *tenant,
    unsigned timeout, char **out, size_t *len, char *msg, size_t msglen)
{
	struct ov_buf so = OV_BUF_INIT(1 << 20), se = OV_BUF_INIT(1 << 16);
	posix_spawn_file_actions_t fa;
	const char *argv[10];
	struct pollfd pfd[2];
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status, n, open_fds;
	int64_t deadline = ov_collect__now_ms() + (int64_t)timeout * 1000;
	char chunk[4096];
	ssize_t k;
	pid_t pid;
	size_t i = 0;
	int error = OV_EAUTH;

	*out = NULL;
	*len = 0;
	argv[i++] = "az";
	argv[i++] = "account";
	argv[i++] = "get-access-token";
	argv[i++] = "--resource";
	argv[i++] = resource;
	argv[i++] = "--output";
	argv[i++] = "json";
	if (tenant != NULL) {
		argv[i++] = "--tenant";
		argv[i++] = tenant;
	}
	argv[i] = NULL;
	if (pipe(po) < 0 || pipe(pe) < 0) {
		snprintf(msg, msglen, "cannot run az: %s", strerror(errno));
		goto done;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	posix_spawn_file_actions_addclose(&fa, pe[0]);
	n = posix_spawnp(&pid, "az", &fa, NULL, (char *const *)(uintptr_t)argv,
	    environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (n != 0) {
		snprintf(msg, msglen, "cannot run az (the Azure CLI): %s",
		    strerror(n));
		goto done;
	}
	open_fds = 2;
	while (open_fds > 0) {
		int64_t left = deadline - ov_collect__now_ms();

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		pfd[0].fd = po[0];
		pfd[1].fd = pe[0];
		pfd[0].events = pfd[1].events = POLLIN;
		if (poll(pfd, 2, (int)left) < 0 && errno != EINTR)
			break;
		for (n = 0; n < 2; n++) {
			if (pfd[n].fd < 0 || pfd[n].revents == 0)
				continue;
			k = read(pfd[n].fd, chunk, sizeof(chunk));
			if (k <= 0) {
				close(n == 0 ? po[0] : pe[0]);
				if (n == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				open_fds--;
			} else if (ov__buf_add(n == 0 ? &so : &se, chunk,
			    (size_t)k) < 0) {
				kill(pid, SIGKILL);
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *e = ov__buf_cstr(&se);
		size_t l = strcspn(e, "\n");

		if (!WIFEXITED(status))
			snprintf(msg, msglen, "az account get-access-token did "
			    "not finish within %u s", timeout);
		else
			snprintf(msg, msglen, "az account get-access-token "
			    "failed (exit %d)%s%.*s", WEXITSTATUS(status),
			    l != 0 ? ": " : "", (int)(l < 300 ? l : 300), e);
		goto done;
	}
	*len = so.len;
	if ((*out = ov__buf_detach(&so)) == NULL) {
		snprintf(msg, msglen, "az printed nothing");
		goto done;
	}
	error = 0;
done:
	if (po[0] >= 0)
		close(po[0]);
	if (po[1] >= 0)
		close(po[1]);
	if (pe[0] >= 0)
		close(pe[0]);
	if (pe[1] >= 0)
		close(pe[1]);
	if (so.ptr != NULL)
		memset(so.ptr, 0, so.len);
	ov__buf_free(&so);
	ov__buf_free(&se);
	return error;
}
