// PostgreSQL failures against real servers: SqliteStore + Shipper + PostgresStore driven directly
// (SPEC §9: events go durably to SQLite while PostgreSQL is down, replay when it returns, zero
// loss, zero duplicates). Tests that stop a server use a private one of their own (ctest runs
// tests in parallel against the shared server of CU_TEST_POSTGRES_URL).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <poll.h>
#include <pqxx/pqxx>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ingest/ingestor.h"
#include "ingest/source_file.h"
#include "integration/generated_corpus.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "store/shipper.h"
#include "support/test_support.h"

namespace cu {
namespace {

constexpr const char* kSource = "ana@laptop";

// A PostgreSQL server of this test alone (scripts/pg-test-server with its own CU_PG_DIR),
// deleted with its data on destruction.
class PrivateServer {
 public:
  PrivateServer() : dir_(fmt::format("/tmp/cu-pg-failover-{}-{}", ::getpid(), counter()++)) {
    url_ = script("start");
  }
  ~PrivateServer() { script("stop"); }
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }
  // Stops it like a crash; its data stays for resume().
  void pause() { script("pause"); }
  void resume() { script("resume"); }
  void execute(const std::string& sql) const {
    pqxx::connection connection(url_);
    pqxx::nontransaction t(connection);
    t.exec(sql);
  }

 private:
  static std::atomic<int>& counter() {
    static std::atomic<int> next{0};
    return next;
  }
  std::string script(const char* command) const {
    const auto result = test::run_command(fmt::format("CU_PG_DIR={} {} {}", test::shell_quote(dir_),
                                                      test::shell_quote(std::string(CU_SOURCE_DIR) +
                                                                        "/scripts/pg-test-server"),
                                                      command));
    EXPECT_EQ(result.exit_code, 0) << "pg-test-server " << command;
    std::string out = result.output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::string dir_;
  std::string url_;
};

// A Unix socket that accepts connections and never answers, like a server behind a dead link.
class SilentListener {
 public:
  explicit SilentListener(const std::filesystem::path& dir) {
    const std::string path = (dir / ".s.PGSQL.5432").string();
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    EXPECT_EQ(::pipe(stop_), 0);
    thread_ = std::thread([this] { accept_forever(); });
  }
  ~SilentListener() {
    (void)!::write(stop_[1], "x", 1);
    thread_.join();
    for (const int fd : accepted_) ::close(fd);
    for (const int fd : {fd_, stop_[0], stop_[1]}) ::close(fd);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int accepted() const { return accepted_count_; }

 private:
  void accept_forever() {
    for (;;) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 || (fds[1].revents & POLLIN) != 0) return;
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        accepted_.push_back(client);  // held open, never read or written
        ++accepted_count_;
      }
    }
  }

  int fd_ = -1;
  int stop_[2] = {-1, -1};
  std::vector<int> accepted_;
  std::atomic<int> accepted_count_{0};
  std::thread thread_;
};

class PostgresFailoverTest : public ::testing::Test {
 protected:
  PostgresFailoverTest() : calendar_("UTC"), local_(dir_.path() / "usage.db", kSource) {}

  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), 1'900'000'000'000};
  }
  ShipperOptions options() {
    ShipperOptions options;
    options.clock = [this] { return clock_ms_; };
    options.jitter_seed = 3;
    options.batch_rows = 400;
    options.log = [this](LogLevel level, const std::string&) {
      if (level == LogLevel::kWarning) ++warnings_;
    };
    return options;
  }
  Shipper::Connector connect_to(const std::string& url, const std::filesystem::path& password_file = {}) {
    PostgresOptions postgres;
    postgres.url = url;
    postgres.password_file = password_file;
    return Shipper::connector(postgres, kSource);
  }
  void commit_local(std::int64_t id) {
    local_.commit(IngestBatch{{}, {test::sample_event(id, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings());
    local_.refresh_rollups(settings());
  }
  // Retries a few times as the daemon's timer would; PostgreSQL stays unreachable throughout.
  void expect_stays_in_fallback(Shipper& shipper) {
    const std::int64_t events_before = local_.event_count();
    for (int i = 0; i < 3; ++i) {
      commit_local(local_.event_count() + 100);  // the local store keeps working
      clock_ms_ = std::max(clock_ms_, shipper.status().next_attempt_ms);
      EXPECT_EQ(shipper.ship_some().rows, 0);
    }
    EXPECT_EQ(shipper.status().backend, "sqlite-fallback");
    EXPECT_EQ(shipper.status().failures, 3);
    EXPECT_EQ(shipper.status().backlog, local_.outbox_size());
    EXPECT_EQ(warnings_, 1);
    EXPECT_EQ(local_.event_count(), events_before + 3);
    EXPECT_EQ(local_.daily_summaries().size(), 1u);
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
  SqliteStore local_;
  std::int64_t clock_ms_ = 1'000'000;
  int warnings_ = 0;
};

TEST_F(PostgresFailoverTest, ServerStoppedMidReplayLosesAndDuplicatesNothing) {
  CU_POSTGRES_URL_OR_SKIP(shared_url);
  PrivateServer server;
  Ingestor ingestor(local_, prices_, settings(), IngestOptions{.batch_events = 300});
  ingestor.load();
  int batches = 0;
  ShipperOptions crash_once = options();
  crash_once.after_remote_commit = [&] {
    if (++batches != 3) return;
    server.pause();  // the server dies right after a commit, and so does the shipper, before its local delete
    throw std::runtime_error("crashed after the PostgreSQL commit");
  };
  Shipper shipper(local_, connect_to(server.url()), settings(), crash_once);
  const auto files = discover_sources({test::generated_corpus()});
  ASSERT_GT(files.size(), 20u);
  for (std::size_t i = 0; i < files.size(); ++i) {
    ingestor.ingest_file(files[i]);
    if (i % 5 == 4) ingestor.flush();
    clock_ms_ += 1000;
    shipper.ship_some();
  }
  ingestor.flush();
  EXPECT_EQ(shipper.status().backend, "sqlite-fallback");
  EXPECT_GT(shipper.status().backlog, 0);
  EXPECT_GT(shipper.status().failures, 0);
  EXPECT_EQ(warnings_, 1);
  server.resume();
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(shipper.status().backend, "postgres");
  EXPECT_EQ(shipper.status().backlog, 0);
  EXPECT_GT(shipper.status().skipped_rows, 0);  // the batch committed before the crash
  PostgresOptions postgres;
  postgres.url = server.url();
  PostgresStore remote(postgres, kSource);
  EXPECT_GT(local_.event_count(), 1000);
  test::expect_same_tables(local_, remote);
}

TEST_F(PostgresFailoverTest, WrongPasswordKeepsSqliteAndNeverShowsThePassword) {
  CU_POSTGRES_URL_OR_SKIP(shared_url);
  PrivateServer server;
  server.execute("CREATE ROLE cu_pw LOGIN PASSWORD 'right-horse-battery'");
  server.execute("CREATE DATABASE cu_pw_db OWNER cu_pw");
  const std::filesystem::path hba = std::filesystem::path(server.dir()) / "data/pg_hba.conf";
  test::write_file(hba, "local all cu_pw scram-sha-256\n" + test::read_file(hba));
  server.execute("SELECT pg_reload_conf()");
  const std::string url = conninfo_with(server.url(), {{"user", "cu_pw"}, {"dbname", "cu_pw_db"}});
  commit_local(1);
  {
    Shipper shipper(local_, connect_to(conninfo_with(url, {{"password", "wrong-staple"}})), settings(), options());
    expect_stays_in_fallback(shipper);
    EXPECT_NE(shipper.status().last_error.find("password authentication failed"), std::string::npos)
        << shipper.status().last_error;
    EXPECT_EQ(shipper.status().last_error.find("wrong-staple"), std::string::npos);
  }
  test::write_file(dir_.path() / "password", "right-horse-battery\n");
  Shipper shipper(local_, connect_to(url, dir_.path() / "password"), settings(), options());
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(shipper.status().backend, "postgres");
}

TEST_F(PostgresFailoverTest, MissingDatabaseKeepsSqlite) {
  CU_POSTGRES_URL_OR_SKIP(url);
  commit_local(1);
  Shipper shipper(local_, connect_to(conninfo_with(url, {{"dbname", "cu_no_such_database"}})), settings(),
                  options());
  expect_stays_in_fallback(shipper);
  EXPECT_NE(shipper.status().last_error.find("does not exist"), std::string::npos) << shipper.status().last_error;
}

TEST_F(PostgresFailoverTest, ServerNeverUpKeepsSqlite) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::TempDir nowhere;
  commit_local(1);
  Shipper shipper(local_, connect_to(conninfo_with(url, {{"host", nowhere.path().string()}})), settings(),
                  options());
  expect_stays_in_fallback(shipper);
  EXPECT_FALSE(shipper.status().last_error.empty());
}

TEST_F(PostgresFailoverTest, ServerThatNeverAnswersTimesOut) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::TempDir socket_dir;
  SilentListener listener(socket_dir.path());
  commit_local(1);
  const std::string silent =
      conninfo_with(url, {{"host", socket_dir.path().string()}, {"port", "5432"}, {"connect_timeout", "2"}});
  Shipper shipper(local_, connect_to(silent), settings(), options());
  EXPECT_EQ(shipper.ship_some().rows, 0);
  EXPECT_EQ(shipper.status().backend, "sqlite-fallback");
  EXPECT_NE(shipper.status().last_error.find("timeout"), std::string::npos) << shipper.status().last_error;
  EXPECT_GE(listener.accepted(), 1);
  commit_local(2);
  EXPECT_EQ(local_.event_count(), 2);
}

}  // namespace
}  // namespace cu
