#include <cstdio>
int main() { std::puts("claude-usaged: not built yet"); return 1; }
