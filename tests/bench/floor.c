/* floor - the least an init can do, as the benchmark's floor: fork, exec
 * the command, wait(2) until it is gone (reaping whatever else comes), exit
 * with its status.  No signal handling, no forwarding, no setup.
 * usage: floor COMMAND [ARG...] */
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t pid, w;
	int st;

	if (argc < 2)
		return 64;
	pid = fork();
	if (pid < 0)
		return 126;
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	while ((w = wait(&st)) != pid)
		if (w < 0)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
