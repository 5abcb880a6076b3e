// Tests of ReadFileBytes and RegularFileSize (src/io/file_reader.cpp): bounded reads, and files that
// are not regular (a FIFO with no writer, a folder) refused at once instead of blocking.
#include "io/file_reader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace quarry::io {
namespace {

namespace fs = std::filesystem;

class FileReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("quarry_file_reader_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    std::ofstream(root_ / "ten.txt") << "0123456789";
    ASSERT_EQ(::mkfifo((root_ / "fifo.jpg").c_str(), 0600), 0);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Path(const std::string& name) { return (root_ / name).string(); }
  fs::path root_;
};

TEST_F(FileReaderTest, ReadsWholeFilesAndPrefixes) {
  auto whole = ReadFileBytes(Path("ten.txt"), kDefaultMaxFileBytes);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole.value().size(), 10u);
  auto prefix = ReadFileBytes(Path("ten.txt"), 4);
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(std::string(prefix.value().begin(), prefix.value().end()), "0123");
  auto short_prefix = ReadFileBytes(Path("ten.txt"), 4, 5);
  EXPECT_TRUE(short_prefix.ok());  // a prefix shorter than the limit ignores the file's size
  auto over = ReadFileBytes(Path("ten.txt"), 9, 9);
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().find("over the limit"), std::string::npos);
}

// A FIFO nobody writes to: opening it for reading would block forever without O_NONBLOCK.
TEST_F(FileReaderTest, FifoIsRefusedWithoutBlocking) {
  auto bytes = ReadFileBytes(Path("fifo.jpg"), kDefaultMaxFileBytes);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error(), "not a regular file");
  auto size = RegularFileSize(Path("fifo.jpg"));
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error(), "not a regular file");
}

TEST_F(FileReaderTest, RegularFileSizeOfFilesFoldersAndMissingOnes) {
  auto size = RegularFileSize(Path("ten.txt"));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size.value(), 10u);
  EXPECT_FALSE(RegularFileSize(root_.string()).ok());
  auto missing = RegularFileSize(Path("missing.txt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot open file"), std::string::npos);
}

}  // namespace
}  // namespace quarry::io
