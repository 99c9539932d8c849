// Package hotline is the county's 12345 政府服务热线 and 政民互动 work
// orders (工单, GB/T 33358-2016): the caller's message from any channel,
// and the closed loop of 国办发〔2020〕53号 — 受理, 直办 from the knowledge
// base or 转办 to a unit, 认领 or 申退, 办理 within the limit of its
// category, 答复 under the unit head's check, the county office's 审核
// (退回重办), 办结, 回访, one reopening after a dissatisfied callback, and
// 催办/督办 of what is overdue — on the statutory calendar, with the
// limits a county sets (Rules). Rates and the seed's 12345 rubric
// (热线留言办理工作考评内容) are computed from the orders (rates.go).
//
// It imports catalog (coded errors, units), foi (the phone and name
// masks), workday and the standard library; no HTTP, no gorm.
package hotline
