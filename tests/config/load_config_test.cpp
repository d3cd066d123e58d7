#include <gtest/gtest.h>

#include <fstream>

#include "config/config.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

namespace fs = std::filesystem;
using testing::fake_environment;

class LoadConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / (std::string("cu-config-load-") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  fs::path dir_;
};

TEST_F(LoadConfig, MissingFileAtTheDefaultPathMeansDefaults) {
  EXPECT_EQ(load_config(dir_ / "absent.yaml", fake_environment(), false),
            default_config(fake_environment()));
}

TEST_F(LoadConfig, MissingExplicitFileIsAnError) {
  fs::path path = dir_ / "absent.yaml";
  try {
    load_config(path, fake_environment(), true);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with(path.string() + ": cannot read"))
        << error.what();
  }
}

TEST_F(LoadConfig, ReadsTheFile) {
  fs::path path = write("config.yaml", "timezone: Asia/Tokyo\nrollup:\n  block_hours: 6\n");
  Config config = load_config(path, fake_environment(), true);
  EXPECT_EQ(config.timezone, "Asia/Tokyo");
  EXPECT_EQ(config.block_hours, 6);
}

TEST_F(LoadConfig, AnEmptyFileMeansDefaults) {
  fs::path path = write("config.yaml", "");
  EXPECT_EQ(load_config(path, fake_environment(), false), default_config(fake_environment()));
}

TEST_F(LoadConfig, ErrorsNameTheFile) {
  fs::path path = write("config.yaml", "log:\n  level: verbose\n");
  try {
    load_config(path, fake_environment(), false);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() +
                  ":2: log.level: must be one of debug, info, notice, warning, "
                  "error, got \"verbose\"");
  }
}

TEST_F(LoadConfig, ADirectoryIsAnError) {
  EXPECT_THROW(load_config(dir_, fake_environment(), false), ConfigError);
  EXPECT_THROW(load_config(dir_, fake_environment(), true), ConfigError);
}

}  // namespace
}  // namespace cu
