// A meeting's shared agenda, editable by both people and kept current through the
// `meetingChanged` subscription (any change, or a resync after a gap: read the meeting
// again), and completing the meeting: the next one booked, open items carried over.

import { graphql, SignInAgain, session, SOCKET, succeeded } from "./api.js";
import { day, h, moment, notice, show } from "./dom.js";
import { liveSubscription } from "./live.js";

const ITEM = "id title details state carriedFromId version author { name }";
const MEETING = `query Meeting($id: UUID!) {
  meeting(id: $id) {
    id startsAt durationMinutes status completedAt version
    pair { id lead { id name } member { id name } }
    agendaItems(first: 200) { nodes { ${ITEM} } }
    followUp { id title dueOn owner { name } }
  }
}`;
const PROBLEM = "... on Problem { code message }";
const ADD = `mutation AddItem($input: AddAgendaItemInput!) {
  addAgendaItem(input: $input) { ... on AgendaItemSuccess { agendaItem { id } } ${PROBLEM} }
}`;
const UPDATE = `mutation UpdateItem($input: UpdateAgendaItemInput!) {
  updateAgendaItem(input: $input) { ... on AgendaItemSuccess { agendaItem { id } } ${PROBLEM} }
}`;
const COMPLETE = `mutation Complete($input: CompleteMeetingInput!) {
  completeMeeting(input: $input) {
    ... on CompletionSuccess {
      carriedItems nextMeetingReason
      nextMeeting { id startsAt agendaItems(first: 200) { nodes { ${ITEM} } } }
    }
    ${PROBLEM}
  }
}`;
const CHANGES = `subscription MeetingChanges($id: UUID!) {
  meetingChanged(meetingId: $id) { eventType eventId resync }
}`;
const LIVE_STATUS = {
  connecting: "Connecting for live updates…",
  live: "Live: changes by either of you appear here as they happen.",
  reconnecting: "Connection lost; reconnecting…",
  unavailable: "Live updates are unavailable; reload to see changes.",
};

/** Renders the screen; returns the cleanup to run when leaving it (closes the socket). */
export async function meetingScreen(main, meetingId, { failed }) {
  const screen = new MeetingScreen(main, meetingId, failed);
  await screen.load();
  return () => screen.leave();
}

class MeetingScreen {
  constructor(main, meetingId, failed) {
    this.main = main;
    this.id = meetingId;
    this.failed = failed; // a problem the screen cannot handle itself (sign in again…)
    this.meeting = null;
    this.editing = false;
    this.staleWhileEditing = false;
    this.agenda = h("ol", { class: "agenda", "aria-labelledby": "agenda-heading" });
    this.header = h("div");
    this.problems = h("div", { "aria-live": "assertive" });
    this.result = h("div", { "aria-live": "polite" });
    this.liveStatus = h("p", { class: "live", role: "status" });
    this.subscription = null;
    this.reads = 0; // reads started: only the latest one's answer is drawn
  }

  async load() {
    const { meeting } = await graphql(MEETING, { id: this.id });
    if (!meeting) {
      show(this.main, h("h1", {}, "Meeting not found"),
        h("p", {}, h("a", { href: "#/" }, "Back to my pairs")));
      return;
    }
    this.meeting = meeting;
    show(this.main,
      h("p", {}, h("a", { href: `#/pairs/${meeting.pair.id}` }, "← The pair")),
      h("h1", {}, `1:1 of ${meeting.pair.lead.name} & ${meeting.pair.member.name}`),
      this.header, this.liveStatus, this.problems,
      h("section", { "aria-labelledby": "agenda-heading" },
        h("h2", { id: "agenda-heading" }, "Shared agenda"), this.agenda, this.addForm()),
      this.followUp(meeting),
      this.completion(),
      this.result);
    this.render();
    this.subscribe();
  }

  /** Read the meeting again and redraw what depends on it (the form keeps its text). */
  async refresh() {
    if (this.editing) {
      this.staleWhileEditing = true;
      return;
    }
    const read = ++this.reads;
    try {
      const { meeting } = await graphql(MEETING, { id: this.id });
      if (meeting && read === this.reads) {
        this.meeting = meeting;
        this.render();
      }
    } catch (problem) {
      this.report(problem);
    }
  }

  render() {
    const meeting = this.meeting;
    const open = meeting.status === "SCHEDULED";
    this.header.replaceChildren(h("p", { class: "summary" },
      h("span", { class: `badge status-${meeting.status.toLowerCase()}` },
        meeting.status.charAt(0) + meeting.status.slice(1).toLowerCase()),
      ` ${moment(meeting.startsAt)} · ${meeting.durationMinutes} minutes`));
    const items = meeting.agendaItems.nodes;
    // Redrawing the list must not drop the keyboard focus of someone working in it.
    const focused = this.agenda.contains(document.activeElement) ? document.activeElement : null;
    const focusedId = focused?.id || null;
    const focusedItem = focused?.closest("li")?.dataset.itemId;
    this.agenda.replaceChildren(...(items.length
      ? items.map((item) => this.itemRow(item, open))
      : [h("li", { class: "empty" }, "No topics yet.")]));
    if (focusedId && document.getElementById(focusedId)) {
      document.getElementById(focusedId).focus();
    } else if (focusedItem) {
      this.agenda.querySelector(`[data-item-id="${focusedItem}"] button`)?.focus();
    }
    this.main.querySelectorAll(".while-scheduled").forEach((element) => {
      element.hidden = !open;
    });
  }

  itemRow(item, open) {
    const box = h("input", {
      type: "checkbox",
      id: `discussed-${item.id}`,
      checked: item.state === "DISCUSSED",
      disabled: !open,
      onchange: (event) => this.update(item, { state: event.target.checked ? "DISCUSSED" : "OPEN" }),
    });
    const carried = item.carriedFromId ? h("span", { class: "badge carried" }, "Carried over") : null;
    return h("li", { class: "item", "data-item-id": item.id },
      h("div", { class: "item-main" },
        box,
        h("label", { for: `discussed-${item.id}` },
          h("span", { class: "title" }, item.title),
          h("span", { class: "visually-hidden" }, " — discussed"))),
      item.details ? h("p", { class: "details" }, item.details) : null,
      h("p", { class: "meta" }, `Added by ${item.author?.name ?? "—"}`, carried ? " · " : "", carried,
        item.state === "CARRIED_OVER" ? " · moved to the next meeting" : ""),
      open ? h("button", {
        type: "button", class: "link",
        "aria-label": `Edit “${item.title}”`,
        onclick: (event) => this.edit(event.currentTarget.closest("li"), item),
      }, "Edit") : null);
  }

  edit(row, item) {
    this.editing = true;
    const input = h("input", { id: `title-${item.id}`, value: item.title, required: true, maxlength: 500 });
    const done = () => {
      this.editing = false;
      if (this.staleWhileEditing) {
        this.staleWhileEditing = false;
        this.refresh();
      } else this.render();
    };
    const form = h("form", {
      class: "inline-edit",
      onsubmit: async (event) => {
        event.preventDefault();
        this.editing = false;
        await this.update(item, { title: input.value.trim() });
        this.staleWhileEditing = false;
      },
    },
    h("label", { for: `title-${item.id}` }, "New title of the topic"), input,
    h("button", { type: "submit" }, "Save"),
    h("button", { type: "button", class: "secondary", onclick: done }, "Cancel"));
    row.replaceChildren(form);
    input.focus();
  }

  async update(item, changes) {
    this.problems.replaceChildren();
    try {
      const { updateAgendaItem } = await graphql(UPDATE,
        { input: { id: item.id, ifVersion: item.version, ...changes } });
      succeeded(updateAgendaItem);
    } catch (problem) {
      this.report(problem);
    }
    await this.refresh();
  }

  addForm() {
    const title = h("input", { id: "new-topic", name: "title", required: true, maxlength: 500,
      autocomplete: "off" });
    const details = h("textarea", { id: "new-details", name: "details", rows: 2 });
    return h("form", {
      class: "stack while-scheduled",
      onsubmit: async (event) => {
        event.preventDefault();
        this.problems.replaceChildren();
        const input = { meetingId: this.id, title: title.value.trim() };
        if (details.value.trim()) input.details = details.value.trim();
        try {
          const { addAgendaItem } = await graphql(ADD, { input });
          succeeded(addAgendaItem);
          title.value = "";
          details.value = "";
          title.focus();
        } catch (problem) {
          this.report(problem);
        }
        await this.refresh();
      },
    },
    h("h3", {}, "Add a topic"),
    h("label", { for: "new-topic" }, "Topic"), title,
    h("label", { for: "new-details" }, "Details (optional)"), details,
    h("button", { type: "submit" }, "Add to the agenda"));
  }

  followUp(meeting) {
    const open = meeting.followUp;
    return h("section", { "aria-labelledby": "follow-up-heading" },
      h("h2", { id: "follow-up-heading" }, "Open commitments to follow up"),
      open.length
        ? h("ul", { class: "commitments" }, open.map((c) => h("li", {}, h("span", {}, c.title),
          h("span", { class: "meta" }, `${c.owner?.name ?? ""} · due ${day(c.dueOn)}`))))
        : h("p", {}, "None open."));
  }

  completion() {
    return h("section", { class: "while-scheduled", "aria-labelledby": "complete-heading" },
      h("h2", { id: "complete-heading" }, "Finish the meeting"),
      h("p", {}, "Topics not ticked as discussed move to the next meeting, which is booked on"
        + " the pair's cadence if none is."),
      h("button", { type: "button", onclick: () => this.complete() }, "Complete the meeting"));
  }

  async complete() {
    this.problems.replaceChildren();
    const discussed = this.meeting.agendaItems.nodes
      .filter((item) => item.state === "DISCUSSED").map((item) => item.id);
    try {
      const { completeMeeting } = await graphql(COMPLETE, {
        input: { id: this.id, discussedItemIds: discussed, ifVersion: this.meeting.version },
      });
      this.showResult(succeeded(completeMeeting));
    } catch (problem) {
      this.report(problem);
    }
    await this.refresh();
  }

  showResult(done) {
    const next = done.nextMeeting;
    if (!next) {
      this.result.replaceChildren(notice(
        `Completed. No next meeting could be booked (${done.nextMeetingReason}).`));
      return;
    }
    const carried = next.agendaItems.nodes.filter((item) => item.carriedFromId);
    this.result.replaceChildren(h("section", { class: "result", "aria-labelledby": "result-heading" },
      h("h2", { id: "result-heading" }, "Completed"),
      h("p", {}, `Next meeting booked for ${moment(next.startsAt)};`
        + ` ${done.carriedItems} ${done.carriedItems === 1 ? "topic" : "topics"} carried over.`),
      carried.length ? h("ul", { class: "carried-list" },
        carried.map((item) => h("li", {}, item.title))) : null,
      h("p", {}, h("a", { href: `#/meetings/${next.id}`, class: "button" }, "Open the next meeting"))));
    this.result.querySelector("h2").setAttribute("tabindex", "-1");
    this.result.querySelector("h2").focus();
  }

  subscribe() {
    this.subscription = liveSubscription({
      url: SOCKET,
      token: session().token,
      query: CHANGES,
      variables: { id: this.id },
      handlers: {
        onNext: () => this.refresh(),
        onResync: () => this.refresh(),
        onStatus: (status) => {
          this.liveStatus.textContent = LIVE_STATUS[status];
          this.liveStatus.dataset.state = status;
        },
        onRefused: () => this.failed(new SignInAgain("token_expired",
          "Your session has ended; sign in again.", 401)),
      },
    });
  }

  report(problem) {
    if (problem instanceof SignInAgain) this.failed(problem);
    else this.problems.replaceChildren(notice(problem.message, "error"));
  }

  leave() {
    this.subscription?.close();
  }
}
