package http

import (
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

type twoStepSignInInput struct {
	Body struct {
		Challenge      string `json:"challenge" maxLength:"100" doc:"two_step.challenge from POST /api/v1/sessions"`
		Method         string `json:"method" enum:"totp,sms,recovery_code"`
		Code           string `json:"code" maxLength:"20" doc:"The authenticator's or SMS's 6 digits, or a recovery code"`
		RememberDevice bool   `json:"remember_device,omitempty" required:"false" doc:"Remember this device: its next sign-ins need no second step"`
	}
}

type twoStepOutput struct {
	Body *account.TwoStepStatus
}

type totpSetupOutput struct {
	Body *account.TOTPSetup
}

type twoStepCodeInput struct {
	Body struct {
		Code string `json:"code" maxLength:"20"`
	}
}

type totpDisableInput struct {
	Body struct {
		Password string `json:"password" maxLength:"128" doc:"The login password"`
		Code     string `json:"code" maxLength:"20" doc:"A current code from the app, or a recovery code"`
	}
}

type recoveryCodesOutput struct {
	Body struct {
		RecoveryCodes []string `json:"recovery_codes" doc:"Shown once: each signs in once when the phone is lost"`
	}
}

type smsNewDeviceInput struct {
	Body struct {
		Enabled bool `json:"enabled"`
	}
}

type devicesOutput struct {
	Body struct {
		Devices []*purse.Device `json:"devices"`
	}
}

type deviceInput struct {
	ID string `path:"id" maxLength:"64"`
}

// registerTwoStep adds two-step verification (GE-7, issue 14): the sign-in's second step, the
// authenticator app with its recovery codes, SMS codes on a new device, and the remembered devices.
func (s *Server) registerTwoStep() {
	s.registerSignInTwoStep()
	s.registerTOTP()
	s.registerDevices()
}
