// sh: the shell. Reads a line, parses it into a command tree, runs it.
//
// Grammar (the xv6 shell's, plus a real append for >>):
//   line  := pipe { '&' } [ ';' line ]
//   pipe  := exec [ '|' pipe ]
//   exec  := '(' line ')' redirs  |  { word | redir }
//   redir := '<' word | '>' word | '>>' word
// Words are runs of characters other than blanks and <|>&;(). There is
// no quoting and no variables. `cd` is built in; any other command names
// a program, looked for in the current directory and then in "/".
//
// Invariants: the shell process itself only parses, runs `cd`, walks
// ';' lists, and forks; everything that changes file descriptors or
// replaces the program image happens in a child, so the shell's own fds
// 0-2 never change. Each line's tree and words live in fixed pools that
// are reset for the next line, so nothing is ever freed and nothing
// leaks, and a bad line costs only a message.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define MAXLINE 512
#define NCMD 128 // tree nodes per line

enum cmdtype { EXEC = 1, REDIR, PIPE, LIST, BACK, SUB };

struct cmd {
  enum cmdtype type;
  union {
    struct { // EXEC: argv[0] == 0 is the empty command
      char *argv[MAXARG];
      int argc;
    } exec;
    struct { // REDIR: run sub with fd re-opened on file
      struct cmd *sub;
      char *file;
      int fd;
      int mode;   // open() flags
      int append; // seek to the end before running sub
    } redir;
    struct { // PIPE and LIST
      struct cmd *left;
      struct cmd *right;
    } pair;
    struct cmd *sub; // BACK and SUB ('(' line ')')
  };
};

// ---------------------------------------------------------------- parsing

static struct cmd pool[NCMD];
static int npool;
static char words[2 * MAXLINE]; // each word, NUL-terminated
static int nwords;
static const char *parse_error; // set by the first error on the line

static const char blanks[] = " \t\r\n\v";
static const char symbols[] = "<|>&;()";

struct scanner {
  const char *p;
};

// Record a parse error (the first one on the line wins) and return the
// null tree that every parse function uses to report failure.
static struct cmd *fail(const char *msg) {
  if (parse_error == 0)
    parse_error = msg;
  return 0;
}

static struct cmd *newcmd(enum cmdtype type) {
  if (npool == NCMD)
    return fail("command too complex");
  struct cmd *c = &pool[npool++];
  memset(c, 0, sizeof(*c));
  c->type = type;
  return c;
}

static void skip_blanks(struct scanner *sc) {
  while (*sc->p && strchr(blanks, *sc->p))
    sc->p++;
}

// Is the next token one of the symbol characters in toks?
static int peek(struct scanner *sc, const char *toks) {
  skip_blanks(sc);
  return *sc->p && strchr(toks, *sc->p);
}

// Consume one token. Returns 0 at end of line, the symbol character for
// a symbol ('+' stands for ">>"), or 'a' for a word, which is copied into
// the word pool and returned through *word. Callers that peek()ed a
// symbol first may pass word == 0.
static int gettoken(struct scanner *sc, char **word) {
  skip_blanks(sc);
  char c = *sc->p;
  if (c == 0)
    return 0;
  if (strchr(symbols, c)) {
    sc->p++;
    if (c == '>' && *sc->p == '>') {
      sc->p++;
      return '+';
    }
    return c;
  }
  *word = &words[nwords];
  while (*sc->p && !strchr(blanks, *sc->p) && !strchr(symbols, *sc->p))
    words[nwords++] = *sc->p++;
  words[nwords++] = 0;
  return 'a';
}

static struct cmd *parseline(struct scanner *sc);

static struct cmd *wrap(enum cmdtype type, struct cmd *sub) {
  if (sub == 0)
    return 0;
  struct cmd *c = newcmd(type);
  if (c)
    c->sub = sub;
  return c;
}

static struct cmd *pair(enum cmdtype type, struct cmd *left, struct cmd *right) {
  if (left == 0 || right == 0)
    return 0;
  struct cmd *c = newcmd(type);
  if (c) {
    c->pair.left = left;
    c->pair.right = right;
  }
  return c;
}

static int is_empty(struct cmd *c) {
  return c->type == EXEC && c->exec.argc == 0;
}

// Wrap c in one REDIR node per redirection that follows.
static struct cmd *parseredirs(struct scanner *sc, struct cmd *c) {
  while (c && peek(sc, "<>")) {
    char *file;
    int tok = gettoken(sc, 0);
    if (gettoken(sc, &file) != 'a')
      return fail("missing file name after < or >");
    struct cmd *r = newcmd(REDIR);
    if (r == 0)
      return 0;
    r->redir.sub = c;
    r->redir.file = file;
    r->redir.fd = tok == '<' ? 0 : 1;
    if (tok == '<')
      r->redir.mode = O_RDONLY;
    else if (tok == '>')
      r->redir.mode = O_WRONLY | O_CREATE | O_TRUNC;
    else // ">>": read to the end first, so O_RDWR
      r->redir.mode = O_RDWR | O_CREATE;
    r->redir.append = tok == '+';
    c = r;
  }
  return c;
}

static struct cmd *parseblock(struct scanner *sc) {
  gettoken(sc, 0); // the '('
  struct cmd *c = parseline(sc);
  if (c == 0)
    return 0;
  if (!peek(sc, ")"))
    return fail("missing )");
  gettoken(sc, 0);
  return parseredirs(sc, wrap(SUB, c));
}

static struct cmd *parseexec(struct scanner *sc) {
  if (peek(sc, "("))
    return parseblock(sc);
  struct cmd *e = newcmd(EXEC);
  struct cmd *c = parseredirs(sc, e);
  while (c && !peek(sc, "|)&;")) {
    char *w;
    int tok = gettoken(sc, &w);
    if (tok == 0)
      break;
    if (tok != 'a')
      return fail("syntax error");
    if (e->exec.argc == MAXARG - 1)
      return fail("too many arguments");
    e->exec.argv[e->exec.argc++] = w;
    c = parseredirs(sc, c);
  }
  return c;
}

static struct cmd *parsepipe(struct scanner *sc) {
  struct cmd *c = parseexec(sc);
  if (c == 0 || !peek(sc, "|"))
    return c;
  gettoken(sc, 0);
  struct cmd *right = parsepipe(sc);
  if (right && (is_empty(c) || is_empty(right)))
    return fail("missing command next to |");
  return pair(PIPE, c, right);
}

static struct cmd *parseline(struct scanner *sc) {
  struct cmd *c = parsepipe(sc);
  while (c && peek(sc, "&")) {
    gettoken(sc, 0);
    c = wrap(BACK, c);
  }
  if (c && peek(sc, ";")) {
    gettoken(sc, 0);
    c = pair(LIST, c, parseline(sc));
  }
  return c;
}

// Parse a whole line; 0 (with parse_error set) if it is malformed.
static struct cmd *parse(const char *line) {
  npool = 0;
  nwords = 0;
  parse_error = 0;
  struct scanner sc = {line};
  struct cmd *c = parseline(&sc);
  skip_blanks(&sc);
  if (c && *sc.p) // only an unmatched ')' or words after a ')' get here
    return fail("syntax error");
  return c;
}

// -------------------------------------------------------------- execution

static int run(struct cmd *c);
static void become(struct cmd *c) __attribute__((noreturn));

static int fork_or_die(void) {
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "sh: fork failed\n");
    exit(1);
  }
  return pid;
}

// Wait for one particular child and return its exit status.
static int wait_for(int pid) {
  int status = 0;
  int w;
  while ((w = wait(&status)) >= 0 && w != pid)
    ;
  return w == pid ? status : -1;
}

static int cd(struct cmd *c) {
  char *dir = c->exec.argc > 1 ? c->exec.argv[1] : "/";
  if (chdir(dir) < 0) {
    fprintf(2, "sh: cannot cd %s\n", dir);
    return 1;
  }
  return 0;
}

static int is_cd(struct cmd *c) {
  return c->type == EXEC && c->exec.argc > 0 && strcmp(c->exec.argv[0], "cd") == 0;
}

// Point fd at the redirection's file. open() returns the lowest free fd,
// which is the one just closed.
static void redirect(struct cmd *c) {
  close(c->redir.fd);
  if (open(c->redir.file, c->redir.mode) != c->redir.fd) {
    fprintf(2, "sh: cannot open %s\n", c->redir.file);
    exit(1);
  }
  if (c->redir.append) {
    // There is no lseek: read through the file, leaving the offset,
    // and so every later write, at its end.
    char buf[512];
    while (read(c->redir.fd, buf, sizeof(buf)) > 0)
      ;
  }
}

// Run one side of a pipe with fd `end` of the pipe as its fd `fd`.
static int pipe_side(struct cmd *c, int p[2], int end, int fd) {
  int pid = fork_or_die();
  if (pid == 0) {
    close(fd);
    dup(p[end]);
    close(p[0]);
    close(p[1]);
    become(c);
  }
  return pid;
}

// There is no PATH: the programs live in the root directory. So that they
// can still be found after a `cd`, a bare name that is not in the current
// directory is tried in "/". Returns only if that exec fails too.
static void exec_from_root(char **argv) {
  char path[MAXPATH];
  if (strchr(argv[0], '/') || strlen(argv[0]) + 2 > sizeof(path))
    return;
  path[0] = '/';
  strcpy(path + 1, argv[0]);
  exec(path, argv);
}

// Carry out c in a child process of the shell: the process may rearrange
// its fds and may exec, and its exit status is c's.
static void become(struct cmd *c) {
  switch (c->type) {
  case EXEC:
    if (c->exec.argc == 0)
      exit(0);
    if (is_cd(c))
      exit(cd(c));
    exec(c->exec.argv[0], c->exec.argv);
    exec_from_root(c->exec.argv);
    fprintf(2, "sh: exec %s failed\n", c->exec.argv[0]);
    exit(1);
  case REDIR:
    redirect(c);
    become(c->redir.sub);
  case PIPE: {
    int p[2];
    if (pipe(p) < 0) {
      fprintf(2, "sh: pipe failed\n");
      exit(1);
    }
    int left = pipe_side(c->pair.left, p, 1, 1);
    int right = pipe_side(c->pair.right, p, 0, 0);
    close(p[0]);
    close(p[1]);
    wait_for(left);
    exit(wait_for(right));
  }
  case BACK:
    // Fork the job and exit at once: the job becomes init's child, and
    // init, not the shell, collects it when it ends.
    if (fork_or_die() == 0)
      become(c->sub);
    exit(0);
  case SUB:
    exit(run(c->sub));
  case LIST:
    exit(run(c));
  }
  exit(1);
}

// A simple command, possibly with redirections: start it with spawn, which
// copies nothing of the shell. Each redirection becomes a file action, in
// the order become() would apply it. Returns the child's pid, or -1 when c
// is not of that form (a `>>` append needs the fork path's read-to-end)
// or the spawn failed; the caller then forks, which also reports the
// precise error.
static int try_spawn(struct cmd *c) {
  struct spawn_actions sa;
  spawn_actions_init(&sa);
  for (; c->type == REDIR; c = c->redir.sub)
    if (c->redir.append || spawn_add_open(&sa, c->redir.fd, c->redir.file, c->redir.mode) < 0)
      return -1;
  if (c->type != EXEC || c->exec.argc == 0 || is_cd(c))
    return -1;
  int pid = spawn(c->exec.argv[0], c->exec.argv, &sa);
  char path[MAXPATH];
  char *name = c->exec.argv[0];
  if (pid < 0 && !strchr(name, '/') && strlen(name) + 2 <= sizeof(path)) {
    path[0] = '/'; // programs live in /: see exec_from_root
    strcpy(path + 1, name);
    pid = spawn(path, c->exec.argv, &sa);
  }
  return pid;
}

// `time CMD`: run CMD and print the wall-clock ticks it took.
static int is_time(struct cmd *c) {
  return c->type == EXEC && c->exec.argc > 1 && strcmp(c->exec.argv[0], "time") == 0;
}

static int run_timed(struct cmd *c) {
  struct cmd inner = *c;
  memmove(inner.exec.argv, c->exec.argv + 1, (MAXARG - 1) * sizeof(char *));
  inner.exec.argv[MAXARG - 1] = 0;
  inner.exec.argc--;
  int t0 = uptime();
  int status = run(&inner);
  fprintf(2, "time: %d ticks\n", uptime() - t0);
  return status;
}

// Run c from the current process and return its status. Only lists,
// subshell bodies, `cd` and the empty command run without a fork, so
// that `cd dir; ls` lists dir and `(cd dir)` leaves the shell alone.
// Simple commands are spawned.
static int run(struct cmd *c) {
  if (c->type == LIST) {
    run(c->pair.left);
    return run(c->pair.right);
  }
  if (is_cd(c))
    return cd(c);
  if (is_empty(c))
    return 0;
  if (is_time(c))
    return run_timed(c);
  int pid = try_spawn(c);
  if (pid < 0)
    pid = fork_or_die();
  if (pid == 0)
    become(c);
  return wait_for(pid);
}

// -------------------------------------------------------------- main loop

// Read one line into buf. Returns 0 at end of input, -1 for a line too
// long for buf (the rest of it is read and dropped), 1 otherwise.
static int getline(char *buf, int max) {
  gets(buf, max);
  int n = strlen(buf);
  if (n == 0)
    return 0;
  if (n < max - 1 || buf[n - 1] == '\n' || buf[n - 1] == '\r')
    return 1;
  char c;
  while (read(0, &c, 1) == 1 && c != '\n' && c != '\r')
    ;
  return -1;
}

int main(void) {
  // Make sure fds 0, 1 and 2 are open, on the console if nothing else.
  int fd;
  while ((fd = open("console", O_RDWR)) >= 0) {
    if (fd >= 3) {
      close(fd);
      break;
    }
  }

  static char line[MAXLINE];
  for (;;) {
    fprintf(2, "$ ");
    int r = getline(line, sizeof(line));
    if (r == 0)
      exit(0);
    if (r < 0) {
      fprintf(2, "sh: line too long\n");
      continue;
    }
    struct cmd *c = parse(line);
    if (c == 0) {
      fprintf(2, "sh: %s\n", parse_error);
      continue;
    }
    run(c);
  }
}
