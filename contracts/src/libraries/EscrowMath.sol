// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Escrow arithmetic, in USDC base units (6 decimals) and micro-USD per GPU-hour.
/// @notice Every rounding favours the buyer: the provider's share rounds down, so
/// earnings + refund == deposit exactly and the escrow can never owe more than it holds.
library EscrowMath {
    uint256 internal constant SECONDS_PER_HOUR = 3600;
    uint256 internal constant BPS = 10_000;

    /// @notice The budget a buyer escrows: max price x GPUs x hours.
    function deposit(uint64 maxPricePerGpuHour, uint16 gpuCount, uint16 hoursRequested)
        internal
        pure
        returns (uint256)
    {
        return uint256(maxPricePerGpuHour) * gpuCount * hoursRequested;
    }

    /// @notice What the provider earns for `usedSeconds` of `gpuCount` GPUs, rounded down.
    function earnings(uint64 pricePerGpuHour, uint16 gpuCount, uint32 usedSeconds)
        internal
        pure
        returns (uint256)
    {
        return uint256(pricePerGpuHour) * gpuCount * usedSeconds / SECONDS_PER_HOUR;
    }

    /// @notice The protocol's cut of a provider's earnings, rounded down.
    function fee(uint256 providerEarnings, uint16 feeBps) internal pure returns (uint256) {
        return providerEarnings * feeBps / BPS;
    }

    /// @notice Dynamic price: floor x (1 + slope x utilization), utilization = in use / total.
    function dynamicPrice(uint64 floorPrice, uint32 demandSlopeBps, uint16 gpusInUse, uint16 gpuCount)
        internal
        pure
        returns (uint64)
    {
        uint256 premium = uint256(floorPrice) * demandSlopeBps * gpusInUse / (BPS * gpuCount);
        uint256 price = floorPrice + premium;
        return price > type(uint64).max ? type(uint64).max : uint64(price);
    }
}
