// Tests of Shell::RunStatement (cli/shell.cpp): an exception while printing a result (here an output
// stream that throws) becomes an error message and a failed statement, never an escaping exception; the
// shell goes on with the next statement.
#include "shell.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>

namespace quarry::cli {
namespace {

// A stream buffer that refuses every character.
class RefusingBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
};

TEST(ShellTest, AnExceptionWhilePrintingIsAnError) {
  Database database;
  RefusingBuffer refusing;
  std::ostream out(&refusing);
  out.exceptions(std::ios::badbit);
  std::ostringstream err;
  Shell shell(database, out, err);
  shell.SetFormat("csv");
  bool succeeded = true;
  EXPECT_NO_THROW(succeeded = shell.RunStatement("SELECT 42 AS answer"));
  EXPECT_FALSE(succeeded);
  EXPECT_EQ(err.str().rfind("Error: ", 0), 0u) << err.str();
}

TEST(ShellTest, PrintsEveryTypeInEveryFormat) {
  Database database;
  for (const auto& format : OutputFormatNames()) {
    std::ostringstream out;
    std::ostringstream err;
    Shell shell(database, out, err);
    ASSERT_TRUE(shell.SetFormat(format));
    EXPECT_TRUE(
        shell.RunStatement("SELECT sum(x) EXPORT_STATE AS s, [count(*) EXPORT_STATE] AS l, 'nan'::DOUBLE AS d, "
                           "'-.5'::DECIMAL(1,1) AS m FROM range(10) t(x)"))
        << format << ": " << err.str();
    EXPECT_EQ(err.str(), "") << format;
    EXPECT_FALSE(out.str().empty()) << format;
  }
}

}  // namespace
}  // namespace quarry::cli
