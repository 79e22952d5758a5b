"""Every query lives in a repository; each method is scoped to one organization."""
