// Running the `dorsum` command from a test: its exit status and everything it printed.
#pragma once

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <string>

namespace dorsum::test {

struct CliRun {
  int status = -1;
  std::string out;  // standard output and error together
};

// Runs DORSUM_CLI_PATH with `args` (shell syntax) and collects its output.
inline CliRun runCli(const std::string& args) {
  CliRun r;
  const std::string command = std::string(DORSUM_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace dorsum::test
