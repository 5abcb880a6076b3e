// Tests of StatementSplitter (cli/statement_splitter.cpp): where statements end and where they do not.
#include "statement_splitter.hpp"

#include <gtest/gtest.h>

namespace quarry::cli {
namespace {

std::vector<std::string> Split(const std::string& text, bool take_rest = true) {
  StatementSplitter splitter;
  splitter.Append(text);
  std::vector<std::string> statements;
  while (auto statement = splitter.Next()) statements.push_back(*statement);
  if (take_rest) {
    if (auto rest = splitter.TakeRest()) statements.push_back("REST:" + *rest);
  }
  return statements;
}

using Statements = std::vector<std::string>;

TEST(StatementSplitterTest, SplitsAtSemicolons) {
  EXPECT_EQ(Split("SELECT 1; SELECT 2;"), (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Split("  SELECT 1  ;\n\n"), (Statements{"SELECT 1"}));
}

TEST(StatementSplitterTest, UnterminatedRestIsKeptForTheEnd) {
  EXPECT_EQ(Split("SELECT 1; SELECT 2"), (Statements{"SELECT 1", "REST:SELECT 2"}));
  StatementSplitter splitter;
  splitter.Append("SELECT\n");
  EXPECT_TRUE(splitter.HasPartialStatement());
  EXPECT_FALSE(splitter.Next());
  splitter.Append("1;\n");
  EXPECT_EQ(splitter.Next().value(), "SELECT\n1");
  EXPECT_FALSE(splitter.HasPartialStatement());
}

TEST(StatementSplitterTest, SemicolonsInsideStringsAndIdentifiersDoNotSplit) {
  EXPECT_EQ(Split("SELECT 'a;b', \"c;d\";"), (Statements{"SELECT 'a;b', \"c;d\""}));
  EXPECT_EQ(Split("SELECT 'it''s; fine';"), (Statements{"SELECT 'it''s; fine'"}));
  EXPECT_EQ(Split("SELECT $$a;b$$, $tag$ ; $$ ; $tag$;"), (Statements{"SELECT $$a;b$$, $tag$ ; $$ ; $tag$"}));
}

TEST(StatementSplitterTest, SemicolonsInsideCommentsDoNotSplit) {
  EXPECT_EQ(Split("SELECT 1 -- not here; \n + 1;"), (Statements{"SELECT 1 -- not here; \n + 1"}));
  EXPECT_EQ(Split("SELECT /* a; /* nested; */ b; */ 1;"), (Statements{"SELECT /* a; /* nested; */ b; */ 1"}));
}

TEST(StatementSplitterTest, CommentOnlyAndEmptyStatementsAreDropped) {
  EXPECT_EQ(Split(";;  ; -- just a comment\n;"), Statements{});
  EXPECT_EQ(Split("-- trailing comment"), Statements{});
  StatementSplitter splitter;
  splitter.Append("/* open comment\n");
  EXPECT_FALSE(splitter.HasPartialStatement());
}

TEST(StatementSplitterTest, TokensCutBetweenAppendsAreJoined) {
  StatementSplitter splitter;
  splitter.Append("SELECT 1 -");
  splitter.Append("- comment ; still comment\n;");
  EXPECT_EQ(splitter.Next().value(), "SELECT 1 -- comment ; still comment");
  splitter.Append("SELECT 'open");
  splitter.Append(" ; string';");
  EXPECT_EQ(splitter.Next().value(), "SELECT 'open ; string'");
}

TEST(StatementSplitterTest, UnterminatedStringKeepsWaiting) {
  StatementSplitter splitter;
  splitter.Append("SELECT 'abc;\n");
  EXPECT_FALSE(splitter.Next());
  EXPECT_TRUE(splitter.HasPartialStatement());
}

}  // namespace
}  // namespace quarry::cli
