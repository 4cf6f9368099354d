/*
 * The pod sandbox's process (the "pause" container): it holds the pod's namespaces open and
 * reaps zombies, and exits on SIGINT or SIGTERM. Built static, so the image needs nothing else.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void quit(int signal_number) {
  (void)signal_number;
  _exit(0);
}

static void reap(int signal_number) {
  (void)signal_number;
  while (waitpid(-1, 0, WNOHANG) > 0) {
  }
}

int main(void) {
  signal(SIGINT, quit);
  signal(SIGTERM, quit);
  signal(SIGCHLD, reap);
  for (;;) pause();
}
