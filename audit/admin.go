package audit

// The admin actions: what an operator did or read, audited under one name whether they used the
// console or the admin API (issue 20 found the console's account page audited as "account.view"
// and the API's as "admin.account.view"). Services record these; no presentation layer names an
// action of its own, and the console labels each in both languages.
const (
	AdminAccountSearch     = "admin.account.search"
	AdminAccountView       = "admin.account.view"
	AdminAccountServices   = "admin.account.services"
	AdminAccountKind       = "admin.account.kind"
	AdminAutoDebitCreate   = "admin.auto_debit.create"
	AdminAppealDecide      = "admin.appeal.decide"
	AdminCertificateLift   = "admin.certificate.lift"
	AdminClosureView       = "admin.closure.view"
	AdminClosureApprove    = "admin.closure.approve"
	AdminClosureReject     = "admin.closure.reject"
	AdminClosureRestore    = "admin.closure.restore"
	AdminContractCreate    = "admin.contract.create"
	AdminContractTerminate = "admin.contract.terminate"
	AdminCouponGrant       = "admin.coupon.grant"
	AdminDisputeOpen       = "admin.dispute.open"
	AdminDisputeResolve    = "admin.dispute.resolve"
	AdminFlagCreate        = "admin.flag.create"
	AdminFlagClear         = "admin.flag.clear"
	AdminLegalHoldPlace    = "admin.legal_hold.place"
	AdminLegalHoldLift     = "admin.legal_hold.lift"
	AdminOperatorCreate    = "admin.operator.create"
	AdminOutboxRequeue     = "admin.outbox.requeue"
	AdminPlatformSet       = "admin.platform.set"
	AdminSwitchesSet       = "admin.switches.set"
	// Four eyes and operator management (issue 13).
	AdminApprovalRequest = "admin.approval.request"
	AdminApprovalApprove = "admin.approval.approve"
	AdminApprovalReject  = "admin.approval.reject"
	AdminFourEyesSet     = "admin.four_eyes.set"
	AdminOperatorRole    = "admin.operator.role"
	AdminOperatorDisable = "admin.operator.disable"
	AdminOperatorEnable  = "admin.operator.enable"
)

// AdminActions lists every admin action, for the tests that hold the code and the console's
// labels to this one vocabulary.
var AdminActions = []string{
	AdminAccountSearch, AdminAccountView, AdminAccountServices, AdminAccountKind, AdminAutoDebitCreate, AdminAppealDecide, AdminCertificateLift,
	AdminClosureView, AdminClosureApprove, AdminClosureReject, AdminClosureRestore,
	AdminContractCreate, AdminContractTerminate, AdminCouponGrant, AdminDisputeOpen, AdminDisputeResolve,
	AdminFlagCreate, AdminFlagClear, AdminLegalHoldPlace, AdminLegalHoldLift, AdminOperatorCreate,
	AdminOutboxRequeue, AdminPlatformSet, AdminSwitchesSet,
	AdminApprovalRequest, AdminApprovalApprove, AdminApprovalReject, AdminFourEyesSet,
	AdminOperatorRole, AdminOperatorDisable, AdminOperatorEnable,
}
