// Tests of the shell's command-line parsing (cli/shell_options.cpp).
#include "shell_options.hpp"

#include <gtest/gtest.h>

namespace quarry::cli {
namespace {

TEST(ShellOptionsTest, CommandsKeepTheirOrder) {
  std::string error;
  auto options = ParseShellOptions({"my.db", "-c", "SELECT 1", "-f", "x.sql", "-c", ".tables"}, error);
  ASSERT_TRUE(options) << error;
  EXPECT_EQ(options->database, "my.db");
  ASSERT_EQ(options->commands.size(), 3u);
  EXPECT_EQ(options->commands[0].kind, ShellCommand::Kind::kSql);
  EXPECT_EQ(options->commands[1].kind, ShellCommand::Kind::kFile);
  EXPECT_EQ(options->commands[1].text, "x.sql");
  EXPECT_EQ(options->commands[2].text, ".tables");
}

TEST(ShellOptionsTest, Formats) {
  std::string error;
  EXPECT_EQ(ParseShellOptions({"--format", "jsonl"}, error)->format, "jsonl");
  EXPECT_EQ(ParseShellOptions({"--format=csv"}, error)->format, "csv");
  EXPECT_EQ(ParseShellOptions({}, error)->format, "box");
  EXPECT_FALSE(ParseShellOptions({"--format", "yaml"}, error));
  EXPECT_NE(error.find("unknown format 'yaml'"), std::string::npos);
}

TEST(ShellOptionsTest, Mistakes) {
  std::string error;
  EXPECT_FALSE(ParseShellOptions({"-c"}, error));
  EXPECT_EQ(error, "option -c needs a value");
  EXPECT_FALSE(ParseShellOptions({"--frobnicate"}, error));
  EXPECT_FALSE(ParseShellOptions({"a.db", "b.db"}, error));
}

TEST(ShellOptionsTest, VersionAndHelp) {
  std::string error;
  EXPECT_TRUE(ParseShellOptions({"--version"}, error)->show_version);
  EXPECT_TRUE(ParseShellOptions({"-h"}, error)->show_help);
}

}  // namespace
}  // namespace quarry::cli
