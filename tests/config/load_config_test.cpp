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

// The defaults as load_config settles them: the fake machine has neither TZ nor /etc/localtime.
Config settled_defaults() {
  Config config = default_config(fake_environment());
  config.timezone = "UTC";
  return config;
}

TEST_F(LoadConfig, MissingFileAtTheDefaultPathMeansDefaults) {
  EXPECT_EQ(load_config(dir_ / "absent.yaml", fake_environment(), false), settled_defaults());
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
  EXPECT_EQ(load_config(path, fake_environment(), false), settled_defaults());
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

TEST_F(LoadConfig, LocalTimeZoneIsResolvedToItsName) {
  fs::path path = write("config.yaml", "timezone: local\n");
  EXPECT_EQ(load_config(path, fake_environment({{"TZ", ":Asia/Tokyo"}}), true).timezone, "Asia/Tokyo");
  Environment berlin = fake_environment();
  berlin.localtime_target = "/usr/share/zoneinfo/Europe/Berlin";
  EXPECT_EQ(load_config(path, berlin, true).timezone, "Europe/Berlin");
}

TEST_F(LoadConfig, UnresolvableLocalTimeZoneIsAnErrorNamingTheKey) {
  fs::path path = write("config.yaml", "timezone: local\n");
  try {
    load_config(path, fake_environment({{"TZ", "Mars/Olympus_Mons"}}), true);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "timezone: \"local\" cannot be resolved: TZ=\"Mars/Olympus_Mons\" names no IANA time zone; "
              "set timezone to a name such as \"Europe/Berlin\"");
  }
}

// The client's reading: what depends on the machine is left for who needs it (no time-zone
// database for TZ's zone, no price file read), so a bad one does not stop it finding its socket.
TEST_F(LoadConfig, ReadConfigLeavesTheMachineDependentPartsUnsettled) {
  fs::path path = write("config.yaml", "timezone: local\npricing:\n  file: " + (dir_ / "absent.json").string() +
                                           "\nctl:\n  socket: /run/x.sock\n");
  const Environment mars = fake_environment({{"TZ", "Mars/Olympus_Mons"}});
  const Config config = read_config(path, mars, true);
  EXPECT_EQ(config.timezone, "local");
  EXPECT_EQ(config.ctl_socket, "/run/x.sock");
  EXPECT_THROW(load_config(path, mars, true), ConfigError);
}

TEST_F(LoadConfig, PricingFileReplacesTheBuiltInPrices) {
  fs::path prices = write("prices.json", R"({"claude-mystery-9": {"input_cost_per_token": 1e-06,
                                              "output_cost_per_token": 2e-06}})");
  fs::path path = write("config.yaml", "pricing:\n  file: " + prices.string() + "\n");
  const Config config = load_config(path, fake_environment(), true);
  EXPECT_EQ(config.pricing_file, prices);
  const PriceTable table = make_price_table(config);
  ASSERT_NE(table.find("claude-mystery-9"), nullptr);
  EXPECT_EQ(table.find("claude-mystery-9")->output, 2e-6);
  EXPECT_EQ(table.find("claude-sonnet-4-5"), nullptr);  // replaced, not merged
}

TEST_F(LoadConfig, OverridesApplyOverThePricingFile) {
  fs::path prices = write("prices.json", R"({"m-1": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}})");
  fs::path path = write("config.yaml", "pricing:\n  file: " + prices.string() +
                                           "\n  overrides:\n    m-1: {input: 4, output: 8, cache_write_5m: 0,"
                                           " cache_write_1h: 0, cache_read: 0}\n");
  EXPECT_EQ(make_price_table(load_config(path, fake_environment(), true)).find("m-1")->input, 4e-6);
}

TEST_F(LoadConfig, BadPricingFileIsAnErrorNamingTheKeyAndFile) {
  fs::path prices = write("prices.json", R"({"m": {"input_cost_per_token": "cheap", "output_cost_per_token": 1}})");
  fs::path path = write("config.yaml", "pricing:\n  file: " + prices.string() + "\n");
  try {
    load_config(path, fake_environment(), true);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "pricing.file: " + prices.string() +
                                             ": model \"m\": input_cost_per_token: must be a price in USD per "
                                             "token (a number >= 0), got \"cheap\"");
  }
  fs::path missing = dir_ / "missing.json";
  write("config.yaml", "pricing:\n  file: " + missing.string() + "\n");
  try {
    load_config(path, fake_environment(), true);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("pricing.file: " + missing.string() + ": cannot read"))
        << error.what();
  }
}

TEST_F(LoadConfig, ADirectoryIsAnError) {
  EXPECT_THROW(load_config(dir_, fake_environment(), false), ConfigError);
  EXPECT_THROW(load_config(dir_, fake_environment(), true), ConfigError);
}

}  // namespace
}  // namespace cu
