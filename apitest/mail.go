package apitest

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
)

// Mailbox starts a real SMTP server in-process and sends the app's e-mail there from now on, so a
// test can read the message a user would receive (headers, language and all). Other channels keep
// going to the dev outbox.
func (e *Env) Mailbox() *notifytest.Mailbox {
	e.T.Helper()
	mb := notifytest.NewMailbox(e.T)
	if e.App.Outbox.Senders == nil {
		e.App.Outbox.Senders = map[purse.Channel]notify.Sender{}
	}
	e.App.Outbox.Senders[purse.ChannelEmail] = mb.Sender(e.T)
	return mb
}

// RunJobs runs every background job (outbox delivery and the others' tasks) until each has nothing
// left to do now, as the runner in purse serve would at its next ticks.
func (e *Env) RunJobs() {
	for _, t := range e.App.Jobs {
		jobs.RunOnce(context.Background(), t, nil)
	}
}
