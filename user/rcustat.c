// rcustat: the RCU and credential counters (docs/rcu.md): grace periods
// and how long they took, callbacks queued and run, and cred objects live
// and waiting for a grace period before they can be freed.
#include "kernel/types.h"
#include "user/user.h"

int main(void) {
  struct rcustat st;
  if (rcustat(&st) < 0) {
    fprintf(2, "rcustat: failed\n");
    return 1;
  }
  uint64 avg = st.gp_completed ? st.gp_time_total / st.gp_completed : 0;
  printf("grace periods: %ld (average %ld ticks, longest %ld)\n", st.gp_completed, avg,
         st.gp_time_max);
  printf("callbacks: queued %ld, run %ld, waiting %ld\n", st.cb_queued, st.cb_run,
         st.cb_queued - st.cb_run);
  printf("synchronize_rcu calls: %ld\n", st.sync_calls);
  printf("creds: live %ld, waiting for a grace period %ld (at most %ld), throttled %ld\n",
         st.creds_live, st.creds_waiting, st.creds_waiting_max, st.creds_throttled);
  return 0;
}
